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
        if (c != '\\') {
            i++;
        }
        else {
            if (i + 1 >= n)
                return NULL;
            Py_UCS4 e = s[i + 1];
            i += 2;
            switch (e) {
            case '"':
            case '\\':
            case '/':
                c = e;
                break;
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            case 't':
                c = '\t';
                break;
            case 'u': {
                if (n - i < 4)
                    return NULL;
                Py_UCS4 v = 0;
                for (int k = 0; k < 4; k++) {
                    int h = hex_value(s[i + k]);
                    if (h < 0)
                        return NULL;
                    v = (v << 4) | (Py_UCS4)h;
                }
                i += 4;
                if (v >= 0xD800 && v <= 0xDBFF) {
                    /* a high surrogate: joined with an escaped low one right after it, as the
                     * stdlib joins them; kept alone there, which this reader leaves to it */
                    Py_UCS4 w = 0;
                    if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u')
                        return NULL;
                    for (int k = 2; k < 6; k++) {
                        int h = hex_value(s[i + k]);
                        if (h < 0)
                            return NULL;
                        w = (w << 4) | (Py_UCS4)h;
                    }
                    if (w < 0xDC00 || w > 0xDFFF)
                        return NULL;
                    i += 6;
                    v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
                }
                else if (v >= 0xDC00 && v <= 0xDFFF) {
                    return NULL; /* a lone low surrogate: left to the stdlib */
                }
                c = v;
                break;
            }
            default:
                return NULL;
            }
        }
        if (len >= scratch->cap && scratch_reserve(scratch, len + 1) < 0)
            return NULL;
        scratch->buf[len++] = c;
    }
    *pos = i + 1;
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, scratch->buf, len);
}

/* A string; s[*pos] is its opening quote. */
static PyObject *F(string)(const T *s, Py_ssize_t n, Py_ssize_t *pos, int is_key, Scratch *scratch)
{
    Py_ssize_t start = *pos + 1, i = start;
    Py_UCS4 bits = 0;
#if WIDTH == 1
    /* Eight bytes at a time while none is a quote, a backslash or a control character:
     * long prompts and inline media are most of a messy payload's bytes. */
    {
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
            bits = 0x80;
    }
#endif
    for (;;) {
        if (i >= n)
            return NULL;
        T c = s[i];
        if (c == '"')
            break;
        if (c == '\\')
            return F(escaped)(s, n, pos, start, i, scratch);
        if (c < 0x20)
            return NULL;
        bits |= c;
        i++;
    }
    *pos = i + 1;
    if (is_key)
        return F(key)(s + start, i - start, bits);
    return F(make)(s + start, i - start, bits);
}

#define F_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* A number; s[*pos] is '-' or a digit. */
static PyObject *F(number)(const T *s, Py_ssize_t n, Py_ssize_t *pos)
{
    Py_ssize_t start = *pos, i = start;
    int negative = 0, real = 0;
    if (s[i] == '-') {
        negative = 1;
        i++;
    }
    if (i >= n)
        return NULL;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (i < n && F_DIGIT(s[i]))
            i++;
    else
        return NULL;
    Py_ssize_t int_end = i;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !F_DIGIT(s[i]))
            return NULL;
        while (i < n && F_DIGIT(s[i]))
            i++;
        real = 1;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !F_DIGIT(s[i]))
            return NULL;
        while (i < n && F_DIGIT(s[i]))
            i++;
        real = 1;
    }
    if (!real) {
        if (int_end - start - negative > MAX_INT_DIGITS)
            return NULL;
        long long v = 0;
        for (Py_ssize_t j = start + negative; j < int_end; j++)
            v = v * 10 + (long long)(s[j] - '0');
        *pos = i;
        return PyLong_FromLongLong(negative ? -v : v);
    }
    Py_ssize_t len = i - start;
    if (len > MAX_NUMBER)
        return NULL;
    char buf[MAX_NUMBER + 1];
    for (Py_ssize_t j = 0; j < len; j++)
        buf[j] = (char)s[start + j];
    buf[len] = '\0';
    char *end = NULL;
    double d = PyOS_string_to_double(buf, &end, NULL); /* what float(literal) runs */
    if (d == -1.0 && PyErr_Occurred())
        return NULL;
    if (end != buf + len || isinf(d) || isnan(d))
        return NULL;
    *pos = i;
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
        if (n - i >= 4 && s[i + 1] == 'r' && s[i + 2] == 'u' && s[i + 3] == 'e') {
            *pos = i + 4;
            Py_RETURN_TRUE;
        }
        return NULL;
    case 'f':
        if (n - i >= 5 && s[i + 1] == 'a' && s[i + 2] == 'l' && s[i + 3] == 's' && s[i + 4] == 'e') {
            *pos = i + 5;
            Py_RETURN_FALSE;
        }
        return NULL;
    case 'n':
        if (n - i >= 4 && s[i + 1] == 'u' && s[i + 2] == 'l' && s[i + 3] == 'l') {
            *pos = i + 4;
            Py_RETURN_NONE;
        }
        return NULL;
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

#undef F_DIGIT
