/* What the x-media keyword judges of an inline image, read in C: media.look's fast path.
 *
 * Included once by _fastjson.c (after the base64 alphabet scan), which registers
 * media_look(text). For a data URI, or base64 with nothing around it, it returns the tuple
 * media.look_python returns:
 *
 *     (form, mime, size, broken, decoded, fmt, pixels, seconds)
 *
 * reading the same bytes the same way: the data URI's header as media._DATA_URI matches
 * it, the base64 alphabet over the first 256 KiB, the first 96 decoded bytes for the
 * format, and an image's pixel size from a window of the first 256 KiB where media.pixel_size
 * decodes longer and longer starts (a header found in a shorter start is the one a longer
 * start gives, so the two agree). Only the bytes a header walk reads are decoded: a JPEG's
 * markers are found by jumping from one to the next through the base64, not by decoding
 * all that lies between.
 *
 * Everything else it declines (FALLBACK) and the Python twin answers: a string that is not
 * inline media (a UUID, a URL, a path), a malformed data URI, base64 that cannot be decoded,
 * base64 with whitespace around it, and WAV or MP3 audio (their durations are read in Python).
 * tests/test_media_twins.py holds the two to each other.
 */

#define MEDIA_PEEK 128                  /* media._PEEK: the base64 characters decoded for the format */
#define MEDIA_WINDOW (256 * 1024 / 3 * 4) /* media._HEAD // 3 * 4: the characters checked and read */
#define MEDIA_EDGE 4096                 /* the bare-base64 test reads this many at each end */

static PyObject *form_data_uri, *form_base64;
static PyObject *fmt_png, *fmt_jpeg, *fmt_webp, *fmt_gif, *fmt_flac, *fmt_mp4, *fmt_webm;

/* a base64 character's six bits (the caller knows it is one) */
static unsigned media_sextet(Py_UCS4 c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63;
}

/* the bytes `chars` base64 characters decode to (no padding; a count of 4k + 1 is broken) */
static Py_ssize_t media_bytes_of(Py_ssize_t chars)
{
    return chars / 4 * 3 + (chars % 4 ? chars % 4 - 1 : 0);
}

/* one base64 character (no padding): _fastjson.c's test of the alphabet scan */
#define media_in_alphabet(c) B64_OK((c), Py_UCS4)

/* Decoded bytes of a base64 text, read at any offset below `bytes`: each read decodes
 * the four characters that hold the byte, and keeps them for the next read. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t start;  /* where the base64 starts in the text */
    Py_ssize_t chars;  /* base64 characters that may be read (all in the alphabet) */
    Py_ssize_t bytes;  /* the decoded bytes they hold */
    Py_ssize_t quad;   /* the group of four decoded last, -1 for none */
    unsigned char three[3];
} Decoded;

static unsigned media_byte(Decoded *d, Py_ssize_t k)
{
    Py_ssize_t q = k / 3;
    if (q != d->quad) {
        Py_ssize_t first = 4 * q, last = first + 4 < d->chars ? first + 4 : d->chars;
        unsigned long bits = 0;
        for (Py_ssize_t i = first; i < first + 4; i++)
            bits = bits << 6 | (i < last ? media_sextet(PyUnicode_READ(d->kind, d->data, d->start + i)) : 0);
        d->three[0] = (unsigned char)(bits >> 16);
        d->three[1] = (unsigned char)(bits >> 8);
        d->three[2] = (unsigned char)bits;
        d->quad = q;
    }
    return d->three[k % 3];
}

/* whether bytes [at, at + n) of the first `have` are `lit` (a slice past the end is not) */
static int media_is(Decoded *d, Py_ssize_t have, Py_ssize_t at, const char *lit, Py_ssize_t n)
{
    if (at + n > have) return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (media_byte(d, at + i) != (unsigned char)lit[i]) return 0;
    return 1;
}

static unsigned long media_uint(Decoded *d, Py_ssize_t at, int n, int little)
{
    unsigned long v = 0;
    for (int i = 0; i < n; i++) {
        unsigned long b = media_byte(d, at + i);
        v = little ? v | b << (8 * i) : v << 8 | b;
    }
    return v;
}

/* the number int.from_bytes(head[at:at + 3], "little") gives when `have` bytes exist */
static unsigned long media_partial_le24(Decoded *d, Py_ssize_t have, Py_ssize_t at)
{
    unsigned long v = 0;
    for (int i = 0; i < 3 && at + i < have; i++)
        v |= (unsigned long)media_byte(d, at + i) << (8 * i);
    return v;
}

/* media.sniff_format of the first `have` bytes; NULL for none. `*audio` is set for WAV and
 * MP3, whose durations Python reads. */
static PyObject *media_sniff(Decoded *d, Py_ssize_t have, int *audio)
{
    *audio = 0;
    if (media_is(d, have, 0, "\x89PNG\r\n\x1a\n", 8)) return fmt_png;
    if (media_is(d, have, 0, "\xff\xd8\xff", 3)) return fmt_jpeg;
    if (media_is(d, have, 0, "RIFF", 4) && media_is(d, have, 8, "WEBP", 4)) return fmt_webp;
    if (media_is(d, have, 0, "GIF87a", 6) || media_is(d, have, 0, "GIF89a", 6)) return fmt_gif;
    if (media_is(d, have, 0, "RIFF", 4) && media_is(d, have, 8, "WAVE", 4)) {
        *audio = 1;
        return NULL;
    }
    if (media_is(d, have, 0, "ID3", 3) || (have > 1 && media_byte(d, 0) == 0xFF && (media_byte(d, 1) & 0xE0) == 0xE0)) {
        *audio = 1;
        return NULL;
    }
    if (media_is(d, have, 0, "fLaC", 4)) return fmt_flac;
    if (media_is(d, have, 4, "ftyp", 4)) return fmt_mp4;
    if (media_is(d, have, 0, "\x1a\x45\xdf\xa3", 4)) return fmt_webm;
    return NULL;
}

/* media.image_size over the first `have` bytes: 1 with the size, 0 for none */
static int media_pixels(Decoded *d, Py_ssize_t have, PyObject *fmt, unsigned long *w, unsigned long *h)
{
    if (fmt == fmt_png) {
        if (!media_is(d, have, 12, "IHDR", 4) || have < 24) return 0;
        *w = media_uint(d, 16, 4, 0), *h = media_uint(d, 20, 4, 0);
        return 1;
    }
    if (fmt == fmt_gif) {
        if (have < 10) return 0;
        *w = media_uint(d, 6, 2, 1), *h = media_uint(d, 8, 2, 1);
        return 1;
    }
    if (fmt == fmt_webp) {
        if (media_is(d, have, 12, "VP8 ", 4)) {
            if (have < 30) return 0;
            *w = media_uint(d, 26, 2, 1) & 0x3FFF, *h = media_uint(d, 28, 2, 1) & 0x3FFF;
            return 1;
        }
        if (media_is(d, have, 12, "VP8L", 4)) {
            if (have < 25) return 0;
            unsigned long b0 = media_byte(d, 21), b1 = media_byte(d, 22), b2 = media_byte(d, 23), b3 = media_byte(d, 24);
            *w = 1 + (((b1 & 0x3F) << 8) | b0);
            *h = 1 + (((b3 & 0xF) << 10) | (b2 << 2) | ((b1 & 0xC0) >> 6));
            return 1;
        }
        if (media_is(d, have, 12, "VP8X", 4)) {
            *w = 1 + media_partial_le24(d, have, 24), *h = 1 + media_partial_le24(d, have, 27);
            return 1;
        }
        return 0;
    }
    if (fmt == fmt_jpeg) {
        Py_ssize_t i = 2;
        while (i + 9 < have) {
            if (media_byte(d, i) != 0xFF) {
                i += 1;
                continue;
            }
            unsigned marker = media_byte(d, i + 1);
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0xFF) {
                i += marker == 0xFF ? 1 : 2;
                continue;
            }
            Py_ssize_t length = (Py_ssize_t)media_uint(d, i + 2, 2, 0);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                *h = media_uint(d, i + 5, 2, 0), *w = media_uint(d, i + 7, 2, 0);
                return 1;
            }
            i += 2 + length;
        }
    }
    return 0;
}

/* media._BASE64.fullmatch(text[lo:hi]): base64 characters (one or more), then at most two '=' */
static int media_base64_run(int kind, const void *data, Py_ssize_t lo, Py_ssize_t hi)
{
    Py_ssize_t i = lo;
    while (i < hi && media_in_alphabet(PyUnicode_READ(kind, data, i))) i++;
    if (i == lo || hi - i > 2) return 0;
    for (; i < hi; i++)
        if (PyUnicode_READ(kind, data, i) != '=') return 0;
    return 1;
}

static int media_mime_char(Py_UCS4 c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '+' || c == '-';
}

/* A text's units, read by index whatever their width. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Units;

#define UNIT(u, i) PyUnicode_READ((u)->kind, (u)->data, (i))

/* whether the units at `at` spell `lit` */
static int media_spells(const Units *u, Py_ssize_t at, const char *lit)
{
    for (; *lit; lit++, at++)
        if (at >= u->n || UNIT(u, at) != (Py_UCS4)(unsigned char)*lit) return 0;
    return 1;
}

/* Where the media's data starts, as media.classify finds it: 1 with `*at`, `*form`, the
 * type's span and whether the data is base64; 0 when only the twin can say (not a data
 * URI, a malformed one, or not plainly base64). */
static int media_start(const Units *u, Py_ssize_t *at, PyObject **form, Py_ssize_t mime[2], int *base64)
{
    Py_ssize_t i = 5, n = u->n;
    if (!media_spells(u, 0, "data:")) {
        /* base64 alone: the twin strips whitespace first, so text with any around it is its */
        *form = form_base64, *at = 0, *base64 = 1, mime[0] = mime[1] = 0;
        Py_ssize_t edge = n < MEDIA_EDGE ? n : MEDIA_EDGE;
        return n >= 16 && media_in_alphabet(UNIT(u, 0)) && (media_in_alphabet(UNIT(u, n - 1)) || UNIT(u, n - 1) == '=') &&
               media_base64_run(u->kind, u->data, 0, edge) && media_base64_run(u->kind, u->data, n - edge, n);
    }
    /* media._DATA_URI: an optional type/subtype, parameters, a comma */
    *form = form_data_uri;
    mime[0] = i;
    if (i < n && media_mime_char(UNIT(u, i))) {
        while (i < n && media_mime_char(UNIT(u, i))) i++;
        if (i == n || UNIT(u, i) != '/') return 0;
        Py_ssize_t sub = ++i;
        while (i < n && media_mime_char(UNIT(u, i))) i++;
        if (i == sub) return 0;
    }
    mime[1] = i;
    *base64 = 0;
    while (i < n && UNIT(u, i) == ';') {
        /* ";base64" in the parameters: only a parameter can start with its ';' */
        *base64 |= media_spells(u, i, ";base64");
        for (i++; i < n && UNIT(u, i) != ',' && UNIT(u, i) != ';'; i++) {}
    }
    if (i == n || UNIT(u, i) != ',') return 0;
    *at = i + 1;
    return 1;
}

/* What base64 data from `at` holds, as media._inline, sniff_format and pixel_size read
 * it: 1 with its decoded size, whether any bytes decode, the format (NULL for none) and an
 * image's pixel size (NULL for none); 0 when only the twin can say (broken base64, WAV or
 * MP3); -1 with an exception. */
static int media_inline(const Units *u, Py_ssize_t at, Py_ssize_t *size, int *decoded, PyObject **fmt, PyObject **pixels)
{
    Py_ssize_t stripped = u->n - at;
    while (stripped > 0 && UNIT(u, at + stripped - 1) == '=') stripped--;
    Py_ssize_t chars = stripped < MEDIA_WINDOW ? stripped : MEDIA_WINDOW;
    if (stripped % 4 == 1 || (chars > 0 && !base64_alphabet_of(u->kind, u->data, at, at + chars)))
        return 0; /* broken: the twin says how */
    *size = media_bytes_of(stripped), *decoded = stripped > 0, *fmt = NULL, *pixels = NULL;
    if (!*decoded) return 1;
    Decoded d = {u->kind, u->data, at, chars, media_bytes_of(chars), -1, {0, 0, 0}};
    int audio;
    *fmt = media_sniff(&d, media_bytes_of(chars < MEDIA_PEEK ? chars : MEDIA_PEEK), &audio);
    if (audio) return 0;
    unsigned long w, h;
    if (*fmt != NULL && media_pixels(&d, d.bytes, *fmt, &w, &h) && (*pixels = Py_BuildValue("(kk)", w, h)) == NULL)
        return -1;
    return 1;
}

PyDoc_STRVAR(media_look_doc,
             "media_look(text: str, /) -> tuple | object\n\n"
             "media.look_python(text) for inline images and data URIs, or FALLBACK (see\n"
             "_fastmedia.h).");

static PyObject *fastjson_media_look(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyUnicode_CheckExact(text))
        return Py_NewRef(FALLBACK);
    Units u = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    Py_ssize_t at, size, mime[2];
    PyObject *form, *fmt = NULL, *pixels = NULL;
    int base64, decoded = 0;
    if (!media_start(&u, &at, &form, mime, &base64))
        return Py_NewRef(FALLBACK);
    if (!base64) {
        size = u.n - at; /* the data URI's text, as it stands */
    } else {
        int read = media_inline(&u, at, &size, &decoded, &fmt, &pixels);
        if (read <= 0)
            return read < 0 ? NULL : Py_NewRef(FALLBACK);
    }
    PyObject *type = mime[1] > mime[0] ? PyUnicode_Substring(text, mime[0], mime[1]) : Py_NewRef(Py_None);
    PyObject *count = PyLong_FromSsize_t(size);
    PyObject *look = type && count ? PyTuple_New(8) : NULL;
    if (look == NULL) {
        Py_XDECREF(type);
        Py_XDECREF(count);
        Py_XDECREF(pixels);
        return NULL;
    }
    PyTuple_SET_ITEM(look, 0, Py_NewRef(form));
    PyTuple_SET_ITEM(look, 1, type);
    PyTuple_SET_ITEM(look, 2, count);
    PyTuple_SET_ITEM(look, 3, Py_NewRef(Py_None));
    PyTuple_SET_ITEM(look, 4, PyBool_FromLong(decoded));
    PyTuple_SET_ITEM(look, 5, Py_NewRef(fmt != NULL ? fmt : Py_None));
    PyTuple_SET_ITEM(look, 6, pixels != NULL ? pixels : Py_NewRef(Py_None));
    PyTuple_SET_ITEM(look, 7, Py_NewRef(Py_None));
    return look;
}

static int fastmedia_init(PyObject *module)
{
    PyObject **names[] = {&form_data_uri, &form_base64, &fmt_png, &fmt_jpeg, &fmt_webp, &fmt_gif, &fmt_flac, &fmt_mp4, &fmt_webm};
    const char *texts[] = {"data-uri", "base64", "png", "jpeg", "webp", "gif", "flac", "mp4", "webm"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (*names[i] == NULL && (*names[i] = PyUnicode_InternFromString(texts[i])) == NULL) return -1;
    if (PyModule_AddIntConstant(module, "MEDIA_PEEK", MEDIA_PEEK) < 0 ||
        PyModule_AddIntConstant(module, "MEDIA_WINDOW", MEDIA_WINDOW) < 0 ||
        PyModule_AddIntConstant(module, "MEDIA_EDGE", MEDIA_EDGE) < 0)
        return -1;
    return 0;
}
