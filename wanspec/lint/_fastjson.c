/* wanspec.lint._fastjson: a JSON reader for the lint's hot path, with a pure-Python twin.
 *
 * loads(text) returns what the stdlib decoder with wanspec's hooks returns for `text`
 * (wanspec/lint/source.py, _decode_json) when that decoder would raise nothing and flag
 * nothing. For every other text, and for a few rare valid ones, it returns FALLBACK, and
 * the caller reads the text with the stdlib decoder, which reports what is wrong:
 *
 *   - anything that is not JSON (a syntax error, a control character in a string);
 *   - a duplicate key, NaN, Infinity, a float past the double range;
 *   - an integer of more than 18 digits (the stdlib path applies the digit limit);
 *   - an escaped surrogate that is not half of an escaped pair (the stdlib keeps it alone);
 *   - containers nested more than MAX_DEPTH deep (the stdlib path reads those on a
 *     fresh stack when it must);
 *   - a number literal longer than MAX_NUMBER characters.
 *
 * So it never decides what a text means where the two could differ: it either builds the
 * same value (the same types, the same key order, the same float bits) or declines.
 * tests/test_fastjson.py holds it to that, against the stdlib decoder, on generated,
 * mutated and hostile texts.
 *
 * Three more entry points keep the same contract for the other reads of the lint:
 * scan(text, start), an array item as the stdlib's scan_once reads it; survey(text, first,
 * bound), a slice of an array checked without building it (source._slice_items); and
 * children(text, at), a container's children as positions._listed lists them; and
 * walk(text, at, tokens, first, key), what PositionIndex.offset answers from those
 * listings, found without making them (a finding's place in its task). And two
 * helpers that scan a text in vector compares where Python goes a code unit at a time:
 * newlines(text, start, stop), text.count("\n", start, stop) (the parent of a parallel run
 * counts an array's lines); base64_alphabet(text, start, stop), whether a slice is base64
 * without padding (media._inline checks the start of every inline image). _fastmedia.h adds
 * media_look(text), what the x-media keyword judges of an inline image (media.look's twin),
 * and _fastcheck.h the schema checker, check(...); refused(value) is runtime.refused's
 * twin (whether jsonschema-rs would refuse an error's instance).
 *
 * Why it pays: the stdlib scanner calls a Python hook for every object (to see duplicate
 * keys) and reads strings a code unit at a time through a generic accessor. This reader
 * sees duplicates as the dict is filled, reads each string kind with its own loop, and
 * keeps recent keys (with their hashes) so a key seen before costs no allocation.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifndef WANSPEC_SOURCE_DIGEST /* set by hatch_build.py: the SHA-256 of these sources */
#define WANSPEC_SOURCE_DIGEST ""
#endif

#define MAX_DEPTH 64
#define MAX_NUMBER 64
#define MAX_INT_DIGITS 18
#define KEY_CACHE 1024 /* a power of two */
#define MAX_CACHED_KEY 48

static PyObject *FALLBACK; /* the sentinel: never a JSON value */
static PyObject *key_cache[KEY_CACHE];

/* Escaped strings are rebuilt here, as code points. */
typedef struct {
    Py_UCS4 *buf;
    Py_ssize_t cap;
} Scratch;

static int scratch_reserve(Scratch *s, Py_ssize_t n)
{
    if (n <= s->cap)
        return 0;
    Py_ssize_t cap = s->cap ? s->cap : 256;
    while (cap < n) {
        if (cap > PY_SSIZE_T_MAX / 2 / (Py_ssize_t)sizeof(Py_UCS4)) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    Py_UCS4 *buf = PyMem_Realloc(s->buf, (size_t)cap * sizeof(Py_UCS4));
    if (buf == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->buf = buf;
    s->cap = cap;
    return 0;
}

static int hex_value(Py_UCS4 c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (int)(c - 'A' + 10);
    return -1;
}

/* A str of `n` ASCII code units (each < 0x80) from any kind's buffer. */
#define ASCII_FROM(T)                                                     \
    static PyObject *ascii_from_##T(const T *src, Py_ssize_t n)          \
    {                                                                     \
        PyObject *s = PyUnicode_New(n, 127);                              \
        if (s == NULL)                                                    \
            return NULL;                                                  \
        Py_UCS1 *dst = PyUnicode_1BYTE_DATA(s);                           \
        for (Py_ssize_t i = 0; i < n; i++)                                \
            dst[i] = (Py_UCS1)src[i];                                     \
        return s;                                                         \
    }
ASCII_FROM(Py_UCS2)
ASCII_FROM(Py_UCS4)

/* An object key as the survey remembers it: where it is written, and its hash. */
typedef struct {
    Py_ssize_t start, len;
    size_t hash;
} KeySpan;

#define MAX_SURVEY_KEYS 48 /* more members in one object: the survey declines */

static int append_offset(PyObject *list, Py_ssize_t offset)
{
    PyObject *v = PyLong_FromSsize_t(offset);
    if (v == NULL)
        return -1;
    int rc = PyList_Append(list, v);
    Py_DECREF(v);
    return rc;
}

/* (a, b) as a tuple of two ints: a member's key and value offsets (Py_BuildValue parses
 * its format on every call, a fifth of listing a messy task's members) */
static PyObject *offset_pair(Py_ssize_t a, Py_ssize_t b)
{
    PyObject *pair = PyTuple_New(2), *x = PyLong_FromSsize_t(a), *y = PyLong_FromSsize_t(b);
    if (pair == NULL || x == NULL || y == NULL) {
        Py_XDECREF(pair);
        Py_XDECREF(x);
        Py_XDECREF(y);
        return NULL;
    }
    PyTuple_SET_ITEM(pair, 0, x);
    PyTuple_SET_ITEM(pair, 1, y);
    return pair;
}

/* One template per string kind: the reader for a text whose code units are T. */
#define T Py_UCS1
#define WIDTH 1
#define KIND PyUnicode_1BYTE_KIND
#define F(name) name##_1
#include "_fastjson_impl.h"
#undef T
#undef WIDTH
#undef KIND
#undef F

#define T Py_UCS2
#define WIDTH 2
#define KIND PyUnicode_2BYTE_KIND
#define F(name) name##_2
#include "_fastjson_impl.h"
#undef T
#undef WIDTH
#undef KIND
#undef F

#define T Py_UCS4
#define WIDTH 4
#define KIND PyUnicode_4BYTE_KIND
#define F(name) name##_4
#include "_fastjson_impl.h"
#undef T
#undef WIDTH
#undef KIND
#undef F

#include "_fastcheck.h"

/* FALLBACK for a text the reader declined; NULL when memory ran out (the error stands). */
static PyObject *declined(void)
{
    if (PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_MemoryError))
            return NULL;
        PyErr_Clear(); /* nothing else is expected; the stdlib path will say what it is */
    }
    return Py_NewRef(FALLBACK);
}

/* name_1, name_2 or name_4 called on the code units of `text`, by its kind. */
#define BY_KIND(name, text, ...)                                                        \
    (PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND                                       \
         ? name##_1(PyUnicode_1BYTE_DATA(text), __VA_ARGS__)                            \
         : PyUnicode_KIND(text) == PyUnicode_2BYTE_KIND                                 \
               ? name##_2(PyUnicode_2BYTE_DATA(text), __VA_ARGS__)                      \
               : name##_4(PyUnicode_4BYTE_DATA(text), __VA_ARGS__))

PyDoc_STRVAR(loads_doc,
             "loads(text: str, /) -> object\n\n"
             "The value of the JSON `text`, or FALLBACK when the stdlib decoder with wanspec's\n"
             "hooks must read it (an error, a flag, or a rare form this reader leaves to it).");

static PyObject *fastjson_loads(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyUnicode_CheckExact(text))
        return Py_NewRef(FALLBACK);
    Scratch scratch = {NULL, 0};
    PyObject *value;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    value = BY_KIND(document, text, n, &scratch);
    PyMem_Free(scratch.buf);
    if (value != NULL)
        return value;
    return declined();
}

/* The arguments of children, text_from and text_range: a text, then `count` offsets into it. 1 when
 * this reader can take them (an exact str, a first offset that is not negative), 0 to
 * decline, -1 with a TypeError. */
static int text_and_offsets(const char *name, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t count,
                            Py_ssize_t *offsets)
{
    if (nargs != count + 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes a text and %zd offset(s)", name, count);
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        offsets[k] = PyLong_AsSsize_t(args[k + 1]);
        if (offsets[k] == -1 && PyErr_Occurred())
            return -1;
    }
    return PyUnicode_CheckExact(args[0]) && offsets[0] >= 0;
}

/* The arguments of scan and survey: a text and `count` offsets, the first of which must
 * fall inside the text (`*n` is its length). 1 to read, 0 to decline, -1 with a TypeError. */
static int text_from(const char *name, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t count,
                     Py_ssize_t *offsets, Py_ssize_t *n)
{
    int usable = text_and_offsets(name, args, nargs, count, offsets);
    if (usable <= 0)
        return usable;
    *n = PyUnicode_GET_LENGTH(args[0]);
    return offsets[0] < *n;
}

/* The arguments of newlines and base64_alphabet: a text and a range of it, with `stop`
 * clamped to the text's end. 1 with a range to scan, 2 for an empty range, 0 to decline
 * (a negative offset: a slice would read it from the end), -1 with a TypeError. */
static int text_range(const char *name, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t *start,
                      Py_ssize_t *stop)
{
    Py_ssize_t offsets[2];
    int usable = text_and_offsets(name, args, nargs, 2, offsets);
    if (usable <= 0 || offsets[1] < 0)
        return usable < 0 ? -1 : 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(args[0]);
    *start = offsets[0];
    *stop = offsets[1] < n ? offsets[1] : n;
    return *start < *stop ? 1 : 2;
}

PyDoc_STRVAR(scan_doc,
             "scan(text: str, start: int, /) -> tuple[object, int] | object\n\n"
             "The value that starts at `start` and where it ends, as the stdlib scanner's\n"
             "scan_once gives them, or FALLBACK (see loads).");

static PyObject *fastjson_scan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t start, n = 0;
    int usable = text_from("scan", args, nargs, 1, &start, &n);
    if (usable <= 0)
        return usable < 0 ? NULL : Py_NewRef(FALLBACK);
    PyObject *text = args[0];
    Scratch scratch = {NULL, 0};
    PyObject *value;
    Py_ssize_t at = start;
    value = BY_KIND(value, text, n, &at, 0, &scratch);
    PyMem_Free(scratch.buf);
    if (value == NULL)
        return declined();
    PyObject *end = PyLong_FromSsize_t(at);
    if (end == NULL) {
        Py_DECREF(value);
        return NULL;
    }
    PyObject *pair = PyTuple_Pack(2, value, end);
    Py_DECREF(value);
    Py_DECREF(end);
    return pair;
}

PyDoc_STRVAR(survey_doc,
             "survey(text: str, first: int, bound: int, /) -> tuple[list[int], int, int] | object\n\n"
             "Checks the items of an array's slice from `first` without building them, as\n"
             "source._slice_items reads them with the validating scanner: (the items' starts,\n"
             "then the next slice's first unless this is the last; the count; where the item\n"
             "after the slice starts), or FALLBACK.");

static PyObject *fastjson_survey(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t offsets[2], n = 0;
    int usable = text_from("survey", args, nargs, 2, offsets, &n);
    if (usable <= 0)
        return usable < 0 ? NULL : Py_NewRef(FALLBACK);
    PyObject *got = BY_KIND(survey, args[0], n, offsets[0], offsets[1]);
    return got != NULL ? got : declined();
}

PyDoc_STRVAR(children_doc,
             "children(text: str, at: int, /) -> dict[str, tuple[int, int]] | list[int] | object\n\n"
             "Where each child of the container at `at` starts, as positions._listed lists\n"
             "them, or FALLBACK.");

static PyObject *fastjson_children(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t at;
    int usable = text_and_offsets("children", args, nargs, 1, &at);
    if (usable < 0)
        return NULL;
    PyObject *text = args[0];
    if (!usable)
        return Py_NewRef(FALLBACK);
    PyObject *got = BY_KIND(children, text, PyUnicode_GET_LENGTH(text), at);
    return got != NULL ? got : declined();
}

PyDoc_STRVAR(walk_doc,
             "walk(text: str, at: int, tokens: tuple[str, ...], first: int, key: bool, unique: bool, /)\n"
             "    -> int | object\n\n"
             "Where the value at tokens[first:] below the container at `at` is (or its key), as\n"
             "PositionIndex.offset answers from children listings, or FALLBACK. `unique`: the\n"
             "text is JSON that names no member twice (each step ends at its match).");

static PyObject *fastjson_walk(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "walk() takes a text, an offset, tokens, a first token, key and unique");
        return NULL;
    }
    Py_ssize_t at = PyLong_AsSsize_t(args[1]), first = PyLong_AsSsize_t(args[3]);
    if ((at == -1 || first == -1) && PyErr_Occurred())
        return NULL;
    int key = PyObject_IsTrue(args[4]), unique = key < 0 ? 0 : PyObject_IsTrue(args[5]);
    if (key < 0 || unique < 0)
        return NULL;
    PyObject *text = args[0], *tokens = args[2];
    if (!PyUnicode_CheckExact(text) || !PyTuple_CheckExact(tokens) || at < 0 || first < 0)
        return Py_NewRef(FALLBACK);
    Py_ssize_t found = BY_KIND(walk, text, PyUnicode_GET_LENGTH(text), at, tokens, first, key, unique);
    return found < 0 ? Py_NewRef(FALLBACK) : PyLong_FromSsize_t(found);
}

PyDoc_STRVAR(newlines_doc,
             "newlines(text: str, start: int, stop: int, /) -> int | object\n\n"
             "text.count('\\n', start, stop) in vector compares, or FALLBACK for a\n"
             "negative offset.");

/* Line feeds among `n` one-byte code units, in blocks that a compiler turns into vector
 * compares: sixteen byte-wide counters, emptied before they could wrap (4.2 ms for 45 MB
 * here, against 24 ms for str.count and 13-23 ms for an eight-byte SWAR loop). */
#define NEWLINE_LANES 16
#define NEWLINE_BLOCK (255 * NEWLINE_LANES)
static Py_ssize_t newlines_1(const unsigned char *p, Py_ssize_t n)
{
    Py_ssize_t count = 0, i = 0;
    while (i < n) {
        Py_ssize_t m = n - i < NEWLINE_BLOCK ? n - i : NEWLINE_BLOCK, j = 0;
        unsigned char lanes[NEWLINE_LANES] = {0};
        for (; j + NEWLINE_LANES <= m; j += NEWLINE_LANES)
            for (int k = 0; k < NEWLINE_LANES; k++)
                lanes[k] += p[i + j + k] == '\n';
        for (int k = 0; k < NEWLINE_LANES; k++)
            count += lanes[k];
        for (; j < m; j++)
            count += p[i + j] == '\n';
        i += m;
    }
    return count;
}

static PyObject *fastjson_newlines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t start = 0, stop = 0;
    int usable = text_range("newlines", args, nargs, &start, &stop);
    if (usable <= 0)
        return usable < 0 ? NULL : Py_NewRef(FALLBACK);
    PyObject *text = args[0];
    if (usable == 2)
        return PyLong_FromSsize_t(0);
    Py_ssize_t count = 0;
    const void *data = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        count = newlines_1((const unsigned char *)data + start, stop - start);
        break;
    case PyUnicode_2BYTE_KIND:
        for (Py_ssize_t i = start; i < stop; i++)
            count += ((const Py_UCS2 *)data)[i] == '\n';
        break;
    default:
        for (Py_ssize_t i = start; i < stop; i++)
            count += ((const Py_UCS4 *)data)[i] == '\n';
    }
    return PyLong_FromSsize_t(count);
}

PyDoc_STRVAR(base64_alphabet_doc,
             "base64_alphabet(text: str, start: int, stop: int, /) -> bool | object\n\n"
             "Whether every code unit of text[start:stop] is one of A-Z a-z 0-9 + /, in vector\n"
             "compares, or FALLBACK for a negative offset.");

/* 1 when each unit is in the base64 alphabet (no padding): blocks of 64 units with no
 * branch inside, which a compiler turns into vector compares (0.22 µs for 2,600 one-byte
 * units here, against 1.09 µs to encode and translate them); a block with a foreign unit
 * ends the scan. One-byte units are tested in byte arithmetic, so a vector holds sixteen
 * of them; the wider kinds take the same test per unit (a unit past 0x7f fails it). */
#define B64_BLOCK 64
#define B64_OK(c, U) ((U)(((c) | 0x20) - 'a') < 26 || (U)((c) - '0') < 10 || (c) == '+' || (c) == '/')
#define B64_SCAN(T, U)                                                                                            \
    static int base64_alphabet_##T(const T *p, Py_ssize_t n)                                                      \
    {                                                                                                             \
        Py_ssize_t i = 0;                                                                                         \
        for (; i + B64_BLOCK <= n; i += B64_BLOCK) {                                                              \
            U ok = 1;                                                                                             \
            for (int k = 0; k < B64_BLOCK; k++) {                                                                 \
                U c = (U)p[i + k];                                                                                \
                ok &= (U)(((U)((c | 0x20) - 'a') < 26) | ((U)(c - '0') < 10) | (c == '+') | (c == '/'));          \
            }                                                                                                     \
            if (!ok)                                                                                              \
                return 0;                                                                                         \
        }                                                                                                         \
        for (; i < n; i++) {                                                                                      \
            U c = (U)p[i];                                                                                        \
            if ((T)c != p[i] || !B64_OK(c, U))                                                                    \
                return 0;                                                                                         \
        }                                                                                                         \
        return 1;                                                                                                 \
    }
B64_SCAN(Py_UCS1, uint8_t)
B64_SCAN(Py_UCS2, uint32_t)
B64_SCAN(Py_UCS4, uint32_t)

/* base64_alphabet_* for units [start, stop) of a text of any kind (media_look reads it too) */
static int base64_alphabet_of(int kind, const void *data, Py_ssize_t start, Py_ssize_t stop)
{
    if (kind == PyUnicode_1BYTE_KIND)
        return base64_alphabet_Py_UCS1((const Py_UCS1 *)data + start, stop - start);
    if (kind == PyUnicode_2BYTE_KIND)
        return base64_alphabet_Py_UCS2((const Py_UCS2 *)data + start, stop - start);
    return base64_alphabet_Py_UCS4((const Py_UCS4 *)data + start, stop - start);
}

static PyObject *fastjson_base64_alphabet(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t start = 0, stop = 0;
    int usable = text_range("base64_alphabet", args, nargs, &start, &stop);
    if (usable <= 0)
        return usable < 0 ? NULL : Py_NewRef(FALLBACK);
    PyObject *text = args[0];
    if (usable == 2)
        Py_RETURN_TRUE;
    return PyBool_FromLong(base64_alphabet_of(PyUnicode_KIND(text), PyUnicode_DATA(text), start, stop));
}

#include "_fastmedia.h"

#define RS_DEPTH_LIMIT 256 /* runtime.RS_DEPTH_LIMIT */

/* Whether a str holds a surrogate code point, which has no UTF-8 (runtime.unencodable):
 * a one-byte string cannot; the wider kinds are scanned a unit at a time, branch-free. */
static int surrogate_in(PyObject *s)
{
    if (PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND) /* ASCII and Latin-1 */
        return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    unsigned found = 0;
    if (PyUnicode_KIND(s) == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = PyUnicode_2BYTE_DATA(s);
        for (Py_ssize_t i = 0; i < n; i++)
            found |= (p[i] & 0xF800u) == 0xD800u;
    }
    else {
        const Py_UCS4 *p = PyUnicode_4BYTE_DATA(s);
        for (Py_ssize_t i = 0; i < n; i++)
            found |= (p[i] & 0xFFFFF800u) == 0xD800u;
    }
    return (int)found;
}

/* runtime.refused_python for a value `depth` containers deep (the value itself counted):
 * 1 refused, 0 not, -1 to decline (a key that is not an exact str: the twin says what). */
static int refused_at(PyObject *v, int depth)
{
    if (PyUnicode_CheckExact(v))
        return surrogate_in(v);
    int object = PyDict_CheckExact(v);
    if (!object && !PyList_CheckExact(v))
        return 0;
    if (depth >= RS_DEPTH_LIMIT)
        return 1;
    if (object) {
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        while (PyDict_Next(v, &pos, &key, &item)) {
            if (!PyUnicode_CheckExact(key))
                return -1;
            int got = surrogate_in(key);
            if (got == 0)
                got = refused_at(item, depth + 1);
            if (got != 0)
                return got;
        }
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
        int got = refused_at(PyList_GET_ITEM(v, i), depth + 1);
        if (got != 0)
            return got;
    }
    return 0;
}

PyDoc_STRVAR(refused_doc,
             "refused(value: object, /) -> bool | object\n\n"
             "runtime.refused_python(value): whether jsonschema-rs refuses to hand `value`\n"
             "back as an error's instance (nested RS_DEPTH_LIMIT containers deep, or holding\n"
             "a surrogate), or FALLBACK for an object with a key that is not a str.");

static PyObject *fastjson_refused(PyObject *module, PyObject *value)
{
    (void)module;
    int got = refused_at(value, 1);
    if (got < 0)
        return Py_NewRef(FALLBACK);
    return PyBool_FromLong(got);
}

static PyObject *fastjson_clear_keys(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    for (Py_ssize_t i = 0; i < KEY_CACHE; i++)
        Py_CLEAR(key_cache[i]);
    Py_RETURN_NONE;
}

static PyMethodDef fastjson_methods[] = {
    {"loads", fastjson_loads, METH_O, loads_doc},
    {"scan", (PyCFunction)(void (*)(void))fastjson_scan, METH_FASTCALL, scan_doc},
    {"survey", (PyCFunction)(void (*)(void))fastjson_survey, METH_FASTCALL, survey_doc},
    {"children", (PyCFunction)(void (*)(void))fastjson_children, METH_FASTCALL, children_doc},
    {"walk", (PyCFunction)(void (*)(void))fastjson_walk, METH_FASTCALL, walk_doc},
    {"newlines", (PyCFunction)(void (*)(void))fastjson_newlines, METH_FASTCALL, newlines_doc},
    {"base64_alphabet", (PyCFunction)(void (*)(void))fastjson_base64_alphabet, METH_FASTCALL, base64_alphabet_doc},
    {"check", (PyCFunction)(void (*)(void))fastcheck_check, METH_FASTCALL, check_doc},
    {"media_look", fastjson_media_look, METH_O, media_look_doc},
    {"refused", fastjson_refused, METH_O, refused_doc},
    {"clear_keys", fastjson_clear_keys, METH_NOARGS, "Forget the remembered keys (for tests)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastjson_module = {
    PyModuleDef_HEAD_INIT,
    "wanspec.lint._fastjson",
    "A JSON reader that builds the stdlib decoder's values or declines (see loads).",
    -1,
    fastjson_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__fastjson(void)
{
    PyObject *m = PyModule_Create(&fastjson_module);
    if (m == NULL)
        return NULL;
    if (FALLBACK == NULL) {
        FALLBACK = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
        if (FALLBACK == NULL) {
            Py_DECREF(m);
            return NULL;
        }
    }
    if (fastcheck_init() < 0 || fastmedia_init(m) < 0 || PyModule_AddObjectRef(m, "FALLBACK", FALLBACK) < 0 ||
        PyModule_AddIntConstant(m, "MAX_DEPTH", MAX_DEPTH) < 0 ||
        PyModule_AddIntConstant(m, "RS_DEPTH_LIMIT", RS_DEPTH_LIMIT) < 0 ||
        PyModule_AddStringConstant(m, "SOURCE_DIGEST", WANSPEC_SOURCE_DIGEST) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
