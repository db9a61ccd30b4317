/* The reader for one string kind, included by _fastjson.c once per kind with
 *   T      the code unit (Py_UCS1, Py_UCS2, Py_UCS4),
 *   WIDTH  its size in bytes, KIND the matching PyUnicode kind,
 *   F(x)   the name x with the kind's suffix.
 * Every function returns a new reference, or NULL to decline (with an exception set only
 * when memory ran out); `*pos` moves past what was read only on success.
 */

static inline Py_ssize_t F(skip_ws)(const T *s, Py_ssize_t n, Py_ssize_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static PyObject *F(value)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth, Scratch *scratch);

/* A str of `len` code units; `bits` is the OR of them (below 0x80: all ASCII). */
static PyObject *F(make)(const T *chars, Py_ssize_t len, Py_UCS4 bits)
{
    if (bits < 0x80) {
#if WIDTH == 1
        PyObject *r = PyUnicode_New(len, 127);
        if (r != NULL)
            memcpy(PyUnicode_1BYTE_DATA(r), chars, (size_t)len);
        return r;
#elif WIDTH == 2
        return ascii_from_Py_UCS2(chars, len);
#else
        return ascii_from_Py_UCS4(chars, len);
#endif
    }
    return PyUnicode_FromKindAndData(KIND, chars, len); /* narrows to the smallest kind */
}

/* An ASCII key, from the cache when it was seen before (its hash computed already). */
static PyObject *F(key)(const T *chars, Py_ssize_t len, Py_UCS4 bits)
{
    if (bits >= 0x80 || len > MAX_CACHED_KEY)
        return F(make)(chars, len, bits);
    size_t h = 2166136261u ^ (size_t)len;
    for (Py_ssize_t i = 0; i < len; i++)
        h = (h ^ (size_t)chars[i]) * 16777619u;
    PyObject **slot = &key_cache[h & (KEY_CACHE - 1)];
    PyObject *k = *slot;
    if (k != NULL && PyUnicode_GET_LENGTH(k) == len) {
        const Py_UCS1 *known = PyUnicode_1BYTE_DATA(k); /* cached keys are ASCII */
#if WIDTH == 1
        if (memcmp(known, chars, (size_t)len) == 0)
            return Py_NewRef(k);
#else
        Py_ssize_t i = 0;
        while (i < len && known[i] == chars[i])
            i++;
        if (i == len)
            return Py_NewRef(k);
#endif
    }
    k = F(make)(chars, len, bits);
    if (k == NULL)
        return NULL;
    if (PyObject_Hash(k) == -1) {
        Py_DECREF(k);
        return NULL;
    }
    PyObject *old = *slot;
    *slot = Py_NewRef(k);
    Py_XDECREF(old);
    return k;
}

/* The escape sequence at s[*i] (a backslash) as one code point, `*i` moved past it; -1
 * for an invalid one, and for a surrogate that is not half of an escaped pair (the
 * stdlib keeps it alone, which this reader leaves to it). */
static int F(escape)(const T *s, Py_ssize_t n, Py_ssize_t *i, Py_UCS4 *out)
{
    Py_ssize_t j = *i;
    if (n - j < 2)
        return -1;
    Py_UCS4 e = s[j + 1];
    j += 2;
    switch (e) {
    case '"':
    case '\\':
    case '/':
        *out = e;
        break;
    case 'b':
        *out = '\b';
        break;
    case 'f':
        *out = '\f';
        break;
    case 'n':
        *out = '\n';
        break;
    case 'r':
        *out = '\r';
        break;
    case 't':
        *out = '\t';
        break;
    case 'u': {
        Py_UCS4 v = 0, w = 0;
        if (n - j < 4)
            return -1;
        for (int k = 0; k < 4; k++) {
            int h = hex_value(s[j + k]);
            if (h < 0)
                return -1;
            v = (v << 4) | (Py_UCS4)h;
        }
        j += 4;
        if (v >= 0xDC00 && v <= 0xDFFF)
            return -1;
        if (v >= 0xD800 && v <= 0xDBFF) { /* joined with an escaped low surrogate, as the stdlib does */
            if (n - j < 6 || s[j] != '\\' || s[j + 1] != 'u')
                return -1;
            for (int k = 2; k < 6; k++) {
                int h = hex_value(s[j + k]);
                if (h < 0)
                    return -1;
                w = (w << 4) | (Py_UCS4)h;
            }
            if (w < 0xDC00 || w > 0xDFFF)
                return -1;
            j += 6;
            v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
        }
        *out = v;
        break;
    }
    default:
        return -1;
    }
    *i = j;
    return 0;
}

/* The rest of a string from its first backslash at `i`, decoded into the scratch buffer. */
static PyObject *F(escaped)(const T *s, Py_ssize_t n, Py_ssize_t *pos, Py_ssize_t start, Py_ssize_t i,
                            Scratch *scratch)
{
    Py_ssize_t len = 0;
    if (scratch_reserve(scratch, i - start + 64) < 0)
        return NULL;
    for (Py_ssize_t j = start; j < i; j++)
        scratch->buf[len++] = s[j];
    for (;;) {
        if (i >= n)
            return NULL;
        Py_UCS4 c = s[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return NULL;
        if (c != '\\')
            i++;
        else if (F(escape)(s, n, &i, &c) < 0)
            return NULL;
        if (len >= scratch->cap && scratch_reserve(scratch, len + 1) < 0)
            return NULL;
        scratch->buf[len++] = c;
    }
    *pos = i + 1;
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, scratch->buf, len);
}

/* Past the ordinary characters from `i` (none a quote, a backslash or a control
 * character); `*bits` gathers their OR (below 0x80: all ASCII). */
static inline Py_ssize_t F(plain_run)(const T *s, Py_ssize_t n, Py_ssize_t i, Py_UCS4 *bits)
{
#if WIDTH == 1
#ifdef __SSE2__
    /* sixteen bytes at a time where the machine has SSE2 (every x86-64): a stop is a quote,
     * a backslash, or a byte the unsigned minimum with 0x1f leaves unchanged (below 0x20) */
    const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), low = _mm_set1_epi8(0x1f);
    __m128i wide = _mm_setzero_si128();
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                    _mm_cmpeq_epi8(_mm_min_epu8(v, low), v));
        if (_mm_movemask_epi8(stop))
            break;
        wide = _mm_or_si128(wide, v);
        i += 16;
    }
    if (_mm_movemask_epi8(wide))
        *bits |= 0x80;
#endif
    /* eight bytes at a time: long prompts and inline media are most of a messy payload */
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t seen = 0;
    while (n - i >= 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
        uint64_t stop = ((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v);
        if (stop & highs)
            break;
        seen |= v;
        i += 8;
    }
    if (seen & highs)
        *bits |= 0x80;
#endif
    while (i < n) {
        T c = s[i];
        if (c == '"' || c == '\\' || c < 0x20)
            break;
        *bits |= c;
        i++;
    }
    return i;
}

/* A string; s[*pos] is its opening quote. */
static PyObject *F(string)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int is_key, Scratch *scratch)
{
    Py_ssize_t start = *pos + 1;
    Py_UCS4 bits = 0;
    Py_ssize_t i = F(plain_run)(s, n, start, &bits);
    if (i >= n)
        return NULL;
    if (s[i] == '\\')
        return F(escaped)(s, n, pos, start, i, scratch);
    if (s[i] != '"')
        return NULL; /* a control character */
    *pos = i + 1;
    if (is_key)
        return F(key)(s + start, i - start, bits);
    return F(make)(s + start, i - start, bits);
}

#define F_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* A number's literal from s[start] ('-' or a digit), by JSON's grammar: its end, or -1.
 * `*real`: it has a fraction or an exponent; `*int_end`: where its integer part ends. */
static Py_ssize_t F(number_span)(const T *s, Py_ssize_t n, Py_ssize_t start, int *real, Py_ssize_t *int_end)
{
    Py_ssize_t i = start;
    *real = 0;
    if (s[i] == '-')
        i++;
    if (i >= n)
        return -1;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (i < n && F_DIGIT(s[i]))
            i++;
    else
        return -1;
    *int_end = i;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !F_DIGIT(s[i]))
            return -1;
        while (i < n && F_DIGIT(s[i]))
            i++;
        *real = 1;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !F_DIGIT(s[i]))
            return -1;
        while (i < n && F_DIGIT(s[i]))
            i++;
        *real = 1;
    }
    return i;
}

/* The double of a real literal s[start:end], as float(literal) reads it; 0 when finite
 * (and short enough to copy), else -1. */
static int F(finite_real)(const T *s, Py_ssize_t start, Py_ssize_t end, double *out)
{
    Py_ssize_t len = end - start;
    if (len > MAX_NUMBER)
        return -1;
    char buf[MAX_NUMBER + 1];
    for (Py_ssize_t j = 0; j < len; j++)
        buf[j] = (char)s[start + j];
    buf[len] = '\0';
    char *stop = NULL;
    double d = PyOS_string_to_double(buf, &stop, NULL); /* what float(literal) runs */
    if (d == -1.0 && PyErr_Occurred())
        return -1;
    if (stop != buf + len || isinf(d) || isnan(d))
        return -1;
    *out = d;
    return 0;
}

/* A number; s[*pos] is '-' or a digit. */
static PyObject *F(number)(const T *s, Py_ssize_t n, Py_ssize_t *pos)
{
    Py_ssize_t start = *pos, int_end = 0;
    int real;
    Py_ssize_t end = F(number_span)(s, n, start, &real, &int_end);
    if (end < 0)
        return NULL;
    if (!real) {
        int negative = s[start] == '-';
        if (int_end - start - negative > MAX_INT_DIGITS)
            return NULL;
        long long v = 0;
        for (Py_ssize_t j = start + negative; j < int_end; j++)
            v = v * 10 + (long long)(s[j] - '0');
        *pos = end;
        return PyLong_FromLongLong(negative ? -v : v);
    }
    double d;
    if (F(finite_real)(s, start, end, &d) < 0)
        return NULL;
    *pos = end;
    return PyFloat_FromDouble(d);
}

/* At an opening bracket `*i`: 0 when `closer` follows (`*i` past it), else 1 (`*i` at
 * the first member or item). */
static inline int F(opened)(const T *s, Py_ssize_t n, Py_ssize_t *i, Py_UCS4 closer)
{
    Py_ssize_t j = F(skip_ws)(s, n, *i + 1);
    if (j < n && s[j] == closer) {
        *i = j + 1;
        return 0;
    }
    *i = j;
    return 1;
}

/* After a member or an item: 1 when a comma leads to another (`*i` at it), 0 when
 * `closer` ends the container (`*i` past it), -1 for anything else. */
static inline int F(after_item)(const T *s, Py_ssize_t n, Py_ssize_t *i, Py_UCS4 closer)
{
    Py_ssize_t j = F(skip_ws)(s, n, *i);
    if (j < n && s[j] == ',') {
        *i = F(skip_ws)(s, n, j + 1);
        return 1;
    }
    if (j < n && s[j] == closer) {
        *i = j + 1;
        return 0;
    }
    return -1;
}

/* An object; s[*pos] is '{'. A duplicate key declines (the dict does not grow). */
static PyObject *F(object)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth, Scratch *scratch)
{
    if (depth > MAX_DEPTH)
        return NULL;
    PyObject *d = PyDict_New();
    if (d == NULL)
        return NULL;
    Py_ssize_t i = *pos;
    if (!F(opened)(s, n, &i, '}')) {
        *pos = i;
        return d;
    }
    for (;;) {
        if (i >= n || s[i] != '"')
            break;
        PyObject *key = F(string)(s, n, &i, 1, scratch);
        if (key == NULL)
            break;
        i = F(skip_ws)(s, n, i);
        if (i >= n || s[i] != ':') {
            Py_DECREF(key);
            break;
        }
        i = F(skip_ws)(s, n, i + 1);
        PyObject *val = F(value)(s, n, &i, depth, scratch);
        if (val == NULL) {
            Py_DECREF(key);
            break;
        }
        Py_ssize_t before = PyDict_GET_SIZE(d);
        int rc = PyDict_SetItem(d, key, val);
        Py_DECREF(key);
        Py_DECREF(val);
        if (rc < 0 || PyDict_GET_SIZE(d) == before)
            break;
        int next = F(after_item)(s, n, &i, '}');
        if (next > 0)
            continue;
        if (next == 0) {
            *pos = i;
            return d;
        }
        break;
    }
    Py_DECREF(d);
    return NULL;
}

/* An array; s[*pos] is '['. */
static PyObject *F(array)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth, Scratch *scratch)
{
    if (depth > MAX_DEPTH)
        return NULL;
    PyObject *list = PyList_New(0);
    if (list == NULL)
        return NULL;
    Py_ssize_t i = *pos;
    int next = F(opened)(s, n, &i, ']');
    while (next > 0) {
        PyObject *val = F(value)(s, n, &i, depth, scratch);
        if (val == NULL)
            break;
        int rc = PyList_Append(list, val);
        Py_DECREF(val);
        if (rc < 0)
            break;
        next = F(after_item)(s, n, &i, ']');
    }
    if (next == 0) {
        *pos = i;
        return list;
    }
    Py_DECREF(list);
    return NULL;
}

/* The literal true, false or null at s[i]: its length, or 0. */
static inline Py_ssize_t F(literal)(const T *s, Py_ssize_t n, Py_ssize_t i)
{
    const char *word = s[i] == 't' ? "true" : s[i] == 'f' ? "false" : s[i] == 'n' ? "null" : NULL;
    if (word == NULL)
        return 0;
    Py_ssize_t len = (Py_ssize_t)strlen(word);
    if (n - i < len)
        return 0;
    for (Py_ssize_t k = 1; k < len; k++)
        if (s[i + k] != (T)word[k])
            return 0;
    return len;
}

static PyObject *F(value)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth, Scratch *scratch)
{
    Py_ssize_t i = *pos;
    if (i >= n)
        return NULL;
    switch (s[i]) {
    case '"':
        return F(string)(s, n, pos, 0, scratch);
    case '{':
        return F(object)(s, n, pos, depth + 1, scratch);
    case '[':
        return F(array)(s, n, pos, depth + 1, scratch);
    case 't':
    case 'f':
    case 'n': {
        Py_ssize_t len = F(literal)(s, n, i);
        if (len == 0)
            return NULL;
        *pos = i + len;
        return Py_NewRef(s[i] == 't' ? Py_True : s[i] == 'f' ? Py_False : Py_None);
    }
    default:
        if (s[i] == '-' || F_DIGIT(s[i]))
            return F(number)(s, n, pos);
        return NULL; /* NaN, Infinity and everything that is not JSON */
    }
}

/* The whole text: one value between optional white space. */
static PyObject *F(document)(const T *s, Py_ssize_t n, Scratch *scratch)
{
    Py_ssize_t i = F(skip_ws)(s, n, 0);
    PyObject *v = F(value)(s, n, &i, 0, scratch);
    if (v == NULL)
        return NULL;
    if (F(skip_ws)(s, n, i) != n) {
        Py_DECREF(v);
        return NULL;
    }
    return v;
}

/* -- validating, building nothing: the survey of an array's slice --------------------- */

static int F(check_value)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth);

/* A string from its opening quote at `*pos`: 0, or -1 to decline. `*escaped`: it holds a
 * backslash. */
static int F(check_string)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int *escaped)
{
    Py_ssize_t i = *pos + 1;
    Py_UCS4 bits = 0, c;
    for (;;) {
        i = F(plain_run)(s, n, i, &bits);
        if (i >= n)
            return -1;
        if (s[i] == '"')
            break;
        if (s[i] != '\\' || F(escape)(s, n, &i, &c) < 0)
            return -1;
        *escaped = 1;
    }
    *pos = i + 1;
    return 0;
}

/* An object from its '{': 0, or -1 to decline. Its keys are compared as written: a key
 * with an escape could equal one written otherwise, so it declines. */
static int F(check_object)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth)
{
    if (depth > MAX_DEPTH)
        return -1;
    KeySpan keys[MAX_SURVEY_KEYS];
    int count = 0;
    Py_ssize_t i = *pos;
    int next = F(opened)(s, n, &i, '}');
    while (next > 0) {
        if (i >= n || s[i] != '"')
            return -1;
        Py_ssize_t start = i + 1;
        int escaped = 0;
        if (F(check_string)(s, n, &i, &escaped) < 0 || escaped || count == MAX_SURVEY_KEYS)
            return -1;
        Py_ssize_t len = i - 1 - start;
        size_t h = 2166136261u ^ (size_t)len;
        for (Py_ssize_t k = 0; k < len; k++)
            h = (h ^ (size_t)s[start + k]) * 16777619u;
        for (int k = 0; k < count; k++)
            if (keys[k].hash == h && keys[k].len == len &&
                memcmp(s + keys[k].start, s + start, (size_t)len * sizeof(T)) == 0)
                return -1; /* a duplicate key */
        keys[count].start = start;
        keys[count].len = len;
        keys[count].hash = h;
        count++;
        i = F(skip_ws)(s, n, i);
        if (i >= n || s[i] != ':')
            return -1;
        i = F(skip_ws)(s, n, i + 1);
        if (F(check_value)(s, n, &i, depth) < 0)
            return -1;
        next = F(after_item)(s, n, &i, '}');
    }
    if (next < 0)
        return -1;
    *pos = i;
    return 0;
}

static int F(check_array)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth)
{
    if (depth > MAX_DEPTH)
        return -1;
    Py_ssize_t i = *pos;
    int next = F(opened)(s, n, &i, ']');
    while (next > 0) {
        if (F(check_value)(s, n, &i, depth) < 0)
            return -1;
        next = F(after_item)(s, n, &i, ']');
    }
    if (next < 0)
        return -1;
    *pos = i;
    return 0;
}

/* One value from `*pos`: 0 when ``value`` would build it, else -1. */
static int F(check_value)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int depth)
{
    Py_ssize_t i = *pos;
    if (i >= n)
        return -1;
    switch (s[i]) {
    case '"': {
        int escaped = 0;
        return F(check_string)(s, n, pos, &escaped);
    }
    case '{':
        return F(check_object)(s, n, pos, depth + 1);
    case '[':
        return F(check_array)(s, n, pos, depth + 1);
    case 't':
    case 'f':
    case 'n': {
        Py_ssize_t len = F(literal)(s, n, i);
        if (len == 0)
            return -1;
        *pos = i + len;
        return 0;
    }
    default: {
        if (s[i] != '-' && !F_DIGIT(s[i]))
            return -1;
        Py_ssize_t int_end = 0;
        int real;
        Py_ssize_t end = F(number_span)(s, n, i, &real, &int_end);
        double d;
        if (end < 0 || (!real && int_end - i - (s[i] == '-') > MAX_INT_DIGITS) ||
            (real && F(finite_real)(s, i, end, &d) < 0))
            return -1;
        *pos = end;
        return 0;
    }
    }
}

/* The survey of the slice whose first item starts at `first`: the items' starts (and the
 * next slice's first, unless this is the last), their count, and where the item after
 * the slice starts (the text's end after the closing bracket); NULL to decline. Mirrors
 * source._slice_items, which reads the slice again where this declines. */
static PyObject *F(survey)(const T *s, Py_ssize_t n, Py_ssize_t first, Py_ssize_t bound)
{
    PyObject *items = PyList_New(0);
    if (items == NULL)
        return NULL;
    Py_ssize_t at = first, count = 0;
    for (;;) {
        if (append_offset(items, at) < 0)
            break;
        Py_ssize_t i = at;
        if (F(check_value)(s, n, &i, 0) < 0)
            break;
        i = F(skip_ws)(s, n, i);
        int last;
        if (i < n && s[i] == ',') {
            i = F(skip_ws)(s, n, i + 1);
            last = bound < n && i >= bound;
            if (last && append_offset(items, i) < 0) /* the next slice's first item */
                break;
        }
        else if (i < n && s[i] == ']' && F(skip_ws)(s, n, i + 1) == n && bound >= n) {
            i = n;
            last = 1;
        }
        else {
            break;
        }
        count++;
        if (last)
            return Py_BuildValue("(Nnn)", items, count, i);
        at = i;
    }
    Py_DECREF(items);
    return NULL;
}

/* A member's name, from its opening quote at `*i` to where its value starts (`*i` then):
 * the name's span after the quote (`*start`, `*len`); -1 for an escaped name (one written
 * otherwise could equal it) or anything that is not a member. Shared by children and walk. */
static inline int F(member_name)(const T *s, Py_ssize_t n, Py_ssize_t *i, Py_ssize_t *start, Py_ssize_t *len)
{
    Py_ssize_t j = *i;
    if (j >= n || s[j] != '"')
        return -1;
    *start = j + 1;
    int escaped = 0;
    if (F(check_string)(s, n, &j, &escaped) < 0 || escaped)
        return -1;
    *len = j - 1 - *start;
    j = F(skip_ws)(s, n, j);
    if (j >= n || s[j] != ':')
        return -1;
    *i = F(skip_ws)(s, n, j + 1);
    return 0;
}

/* The children of the container at s[at], as positions._listed lists them: an object's
 * members (name: (key offset, value offset), a later duplicate winning) or an array's
 * items (their offsets); an empty list for anything else. NULL to decline: a child the
 * validating pass would decline, an escaped name, anything that is not JSON. */
static PyObject *F(children)(const T *s, Py_ssize_t n, Py_ssize_t at)
{
    if (at >= n || (s[at] != '{' && s[at] != '['))
        return PyList_New(0);
    int object = s[at] == '{';
    PyObject *found = object ? PyDict_New() : PyList_New(0);
    if (found == NULL)
        return NULL;
    Py_ssize_t i = at;
    int next = F(opened)(s, n, &i, object ? '}' : ']');
    while (next > 0) {
        if (object) {
            Py_ssize_t key_at = i, start, len;
            if (F(member_name)(s, n, &i, &start, &len) < 0)
                break;
            Py_UCS4 bits = 0;
            for (Py_ssize_t k = start; k < start + len; k++)
                bits |= s[k];
            Py_ssize_t value_at = i;
            if (F(check_value)(s, n, &i, 1) < 0)
                break;
            PyObject *name = F(key)(s + start, len, bits);
            if (name == NULL)
                break;
            PyObject *where = offset_pair(key_at, value_at);
            int rc = where == NULL ? -1 : PyDict_SetItem(found, name, where);
            Py_DECREF(name);
            Py_XDECREF(where);
            if (rc < 0)
                break;
        }
        else {
            if (append_offset(found, i) < 0 || F(check_value)(s, n, &i, 1) < 0)
                break;
        }
        next = F(after_item)(s, n, &i, object ? '}' : ']');
    }
    if (next == 0)
        return found;
    Py_DECREF(found);
    return NULL;
}

/* Whether the member name s[start, start+len) is the str `name` (read as `kind`, `data`). */
static inline int F(same_name)(const T *s, Py_ssize_t start, Py_ssize_t len, int kind, const void *data)
{
#if WIDTH == 1
    if (kind == PyUnicode_1BYTE_KIND)
        return memcmp(s + start, data, (size_t)len) == 0;
#endif
    for (Py_ssize_t k = 0; k < len; k++)
        if (s[start + k] != PyUnicode_READ(kind, data, k))
            return 0;
    return 1;
}

/* Where the value at tokens[first:] below the container at s[at] is, as
 * PositionIndex.offset answers from the children listings (each step a listing's lookup;
 * the nearest ancestor's offset when a step is not there; the key's offset for the last
 * step with `key`), without listing anything. -1 to decline: where `children` would
 * decline on any container of the path (every one is read to its end, as it lists it),
 * and for a token that is not an exact str or holds a non-ASCII character at an array
 * (str.isdigit takes other digits). `unique`: the text is JSON that names no member twice
 * (the reader read it), so a step ends at its member or item: the listings would give
 * the same offset, whatever follows. */
static Py_ssize_t F(walk)(const T *s, Py_ssize_t n, Py_ssize_t at, PyObject *tokens, Py_ssize_t first, int key,
                          int unique)
{
    Py_ssize_t count = PyTuple_GET_SIZE(tokens);
    for (Py_ssize_t t = first; t < count; t++) {
        PyObject *token = PyTuple_GET_ITEM(tokens, t);
        if (!PyUnicode_CheckExact(token))
            return -1;
        if (at >= n || (s[at] != '{' && s[at] != '['))
            return at; /* a scalar: no child to go to */
        int object = s[at] == '{', last = t == count - 1;
        Py_ssize_t tlen = PyUnicode_GET_LENGTH(token), want = -1, found_key = -1, found = -1;
        int tkind = PyUnicode_KIND(token);
        const void *tdata = PyUnicode_DATA(token);
        if (!object) {
            if (!PyUnicode_IS_ASCII(token))
                return -1;
            const Py_UCS1 *digits = PyUnicode_1BYTE_DATA(token);
            Py_ssize_t k = 0, significant = 0;
            want = 0;
            while (k < tlen && digits[k] >= '0' && digits[k] <= '9') {
                if (significant || digits[k] != '0')
                    significant++;
                if (significant <= 18)
                    want = want * 10 + (digits[k] - '0');
                k++;
            }
            if (k < tlen || tlen == 0 || significant > 18)
                want = -1; /* not an index, or past any array: the walk stops here */
        }
        Py_ssize_t i = at, index = 0;
        int next = F(opened)(s, n, &i, object ? '}' : ']');
        while (next > 0) {
            if (object) {
                Py_ssize_t key_at = i, start, len;
                if (F(member_name)(s, n, &i, &start, &len) < 0)
                    return -1;
                if (len == tlen && F(same_name)(s, start, len, tkind, tdata)) {
                    found_key = key_at; /* a later duplicate wins, as in the listing */
                    found = i;
                    if (unique)
                        break;
                }
            }
            else if (index++ == want) {
                found = i;
                if (unique)
                    break;
            }
            if (F(check_value)(s, n, &i, 1) < 0)
                return -1;
            next = F(after_item)(s, n, &i, object ? '}' : ']');
        }
        if (next < 0)
            return -1;
        if (found < 0)
            return at;
        if (object && key && last)
            return found_key;
        at = found;
    }
    return at;
}

#undef F_DIGIT
