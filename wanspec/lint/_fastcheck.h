/* The compiled checker: runs a schema's program (wanspec/lint/native.py) over a task.
 *
 * Included once by _fastjson.c, which registers check(program, error, make, fallback,
 * task) (see check_doc below). A program is
 * what native.py builds from a dereferenced schema: nested tuples of operations whose first
 * item is an opcode below. Two kinds of node:
 *
 *   - an error node: a tuple of E_* operations, run in order; each appends to a list what
 *     `error(keyword, schema_path, instance_path, instance[, message[, branches]])` returns
 *     for each error found (runtime.error_builder around engine.RawError);
 *   - a validity node: True, False, or a tuple of V_* operations that must all hold,
 *     evaluated in order and stopping at the first that fails.
 *
 * It answers exactly what the generated Python checker (wanspec/lint/compiler.py) answers,
 * error for error and in the same order: the program mirrors the generated code's
 * structure, and tests/test_native.py holds the two to each other. What Python knows
 * better (a regular expression, jsonschema-rs' verdict on a format, a custom keyword's
 * findings, JSON equality of containers, building an error) the program holds as
 * callables, called here with the same arguments the generated code passes. An exception
 * any of them raises (runtime.Fallback among them) leaves check() as it is.
 *
 * Only plain JSON reaches it (dicts, lists, str, int, float, bool, None, no subclasses):
 * the engine checks that first, as it does for the generated checker. A walk nests C
 * calls as deep as the schema (the task is walked only where the schema goes), each
 * level through Py_EnterRecursiveCall: past the stack, jsonschema-rs answers.
 */

/* opcodes: native.py's V_* and E_* */
enum {
    V_TYPE = 1, V_EQ, V_ENUM_STR, V_ANY, V_CMP, V_LEN, V_PATTERN, V_CALL, V_FORMAT,
    V_REQUIRED, V_DEPREQ, V_PROPS, V_ADDL_FALSE, V_ADDL, V_ITEMS, V_NOT, V_IF, V_CUSTOM,
    E_FALSE = 101, E_TYPED, E_TEST, E_CUSTOM, E_REQUIRED, E_DEPREQ, E_PROPS, E_ADDL_FALSE,
    E_ADDL, E_ITEMS, E_ANYOF, E_NOT, E_IF,
};

/* type bits: native.py's TYPE_BITS */
enum { T_OBJECT = 1, T_ARRAY = 2, T_STRING = 4, T_BOOLEAN = 8, T_NULL = 16, T_NUMBER = 32, T_INTEGER = 64 };

/* formats with a shape valid unasked: runtime.SURE_SHAPES */
enum { SHAPE_UUID = 1 };

/* runtime.canonical_uuid: 8-4-4-4-12 hex digits, either case */
static int canonical_uuid(PyObject *x)
{
    if (!PyUnicode_IS_ASCII(x) || PyUnicode_GET_LENGTH(x) != 36) return 0;
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(x);
    for (int i = 0; i < 36; i++) {
        Py_UCS1 c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

/* V_EQ kinds */
enum { EQ_SAME = 0, EQ_TEXT = 1, EQ_NUMBER = 2, EQ_CALL = 3 };

#define OP(op, i) PyTuple_GET_ITEM((op), (i))
#define OPINT(op, i) small_int(OP(op, i))

/* An opcode, a type mask or a flag: a small non-negative int native.py wrote. */
static inline long small_int(PyObject *o)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)o))
        return (long)PyUnstable_Long_CompactValue((PyLongObject *)o);
#else
    if (Py_SIZE(o) == 1)
        return (long)((PyLongObject *)o)->ob_digit[0];
#endif
    return PyLong_AsLong(o);
}

static PyObject *kw_false, *kw_type, *kw_required, *kw_dependent, *kw_additional, *kw_anyof, *kw_not;

typedef struct {
    PyObject *error;   /* error(keyword, sp, ip, x, message=None, branches=()) */
    PyObject *make;    /* the same without the test of x: for what it never refuses */
    PyObject **path;   /* the instance path: owned references */
    Py_ssize_t depth;
    Py_ssize_t cap;
} Walk;

static int type_bits(PyObject *x)
{
    PyTypeObject *t = Py_TYPE(x);
    if (t == &PyDict_Type) return T_OBJECT;
    if (t == &PyList_Type) return T_ARRAY;
    if (t == &PyUnicode_Type) return T_STRING;
    if (t == &PyBool_Type) return T_BOOLEAN;
    if (x == Py_None) return T_NULL;
    if (t == &PyLong_Type) return T_NUMBER | T_INTEGER;
    if (t == &PyFloat_Type) {
        double d = PyFloat_AS_DOUBLE(x);
        return (isfinite(d) && floor(d) == d) ? (T_NUMBER | T_INTEGER) : T_NUMBER;
    }
    return 0;
}

/* Whether x's type is one the mask names. */
static inline int has_type(PyObject *x, long mask) { return (type_bits(x) & mask) != 0; }

static int truthy_call1(PyObject *f, PyObject *x)
{
    PyObject *r = PyObject_CallOneArg(f, x);
    if (r == NULL) return -1;
    int ok = PyObject_IsTrue(r);
    Py_DECREF(r);
    return ok;
}

static int valid(PyObject *node, PyObject *x);
static int present(void *w, PyObject *out, PyObject *keyword, PyObject *sp, PyObject *x, PyObject *names);
static int dependencies(void *w, PyObject *out, PyObject *sp, PyObject *x, PyObject *rules);

static int valid_op(PyObject *op, PyObject *x)
{
    long code = OPINT(op, 0);
    switch (code) {
    case V_TYPE:
        return has_type(x, OPINT(op, 1));
    case V_EQ: {
        PyObject *c = OP(op, 2);
        switch (OPINT(op, 1)) {
        case EQ_SAME: return x == c;
        case EQ_TEXT: return PyUnicode_CheckExact(x) ? PyObject_RichCompareBool(x, c, Py_EQ) : 0;
        case EQ_NUMBER:
            if (!PyLong_CheckExact(x) && !PyFloat_CheckExact(x)) return 0;
            return PyObject_RichCompareBool(x, c, Py_EQ);
        default: {
            PyObject *r = PyObject_CallFunctionObjArgs(OP(op, 3), x, c, NULL);
            if (r == NULL) return -1;
            int ok = PyObject_IsTrue(r);
            Py_DECREF(r);
            return ok;
        }
        }
    }
    case V_ENUM_STR:
        return PyUnicode_CheckExact(x) ? PySet_Contains(OP(op, 1), x) : 0;
    case V_ANY: {
        PyObject *branches = OP(op, 1);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(branches); i++) {
            int ok = valid(PyTuple_GET_ITEM(branches, i), x);
            if (ok != 0) return ok;
        }
        return 0;
    }
    case V_CMP:
        if (!has_type(x, OPINT(op, 1))) return 1;
        return PyObject_RichCompareBool(x, OP(op, 3), OPINT(op, 2) ? Py_LE : Py_GE);
    case V_LEN: {
        if (!has_type(x, OPINT(op, 1))) return 1;
        Py_ssize_t n = PyUnicode_CheckExact(x) ? PyUnicode_GET_LENGTH(x) : PyList_GET_SIZE(x);
        Py_ssize_t limit = PyLong_AsSsize_t(OP(op, 3));
        if (limit == -1 && PyErr_Occurred()) return -1;
        return OPINT(op, 2) ? n <= limit : n >= limit;
    }
    case V_PATTERN: {
        if (!PyUnicode_CheckExact(x)) return 1;
        if (PyUnicode_IS_ASCII(x)) {  /* the generated code searches ASCII itself */
            PyObject *m = PyObject_CallOneArg(OP(op, 1), x);
            if (m == NULL) return -1;
            int ok = m != Py_None;
            Py_DECREF(m);
            return ok;
        }
        return truthy_call1(OP(op, 2), x);
    }
    case V_CALL:
        if (!PyUnicode_CheckExact(x)) return 1;
        return truthy_call1(OP(op, 1), x);
    case V_FORMAT: {
        if (!PyUnicode_CheckExact(x)) return 1;
        if (OPINT(op, 3) == SHAPE_UUID && canonical_uuid(x)) return 1;
        PyObject *seen = PyDict_GetItemWithError(OP(op, 1), x);
        if (seen != NULL) {
            int ok = PyObject_IsTrue(seen);
            if (ok != 0) return ok;
        } else if (PyErr_Occurred()) {
            return -1;
        }
        return truthy_call1(OP(op, 2), x);
    }
    case V_REQUIRED:
        return PyDict_CheckExact(x) ? present(NULL, NULL, NULL, NULL, x, OP(op, 1)) : 1;
    case V_DEPREQ:
        return PyDict_CheckExact(x) ? dependencies(NULL, NULL, NULL, x, OP(op, 1)) : 1;
    case V_PROPS: {
        if (!PyDict_CheckExact(x)) return 1;
        PyObject *members = OP(op, 1);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(members); i++) {
            PyObject *member = PyTuple_GET_ITEM(members, i);
            PyObject *y = PyDict_GetItemWithError(x, PyTuple_GET_ITEM(member, 0));
            if (y == NULL) {
                if (PyErr_Occurred()) return -1;
                continue;
            }
            int ok = valid(PyTuple_GET_ITEM(member, 1), y);
            if (ok <= 0) return ok;
        }
        return 1;
    }
    case V_ADDL_FALSE:
    case V_ADDL: {
        if (!PyDict_CheckExact(x)) return 1;
        PyObject *names = OP(op, 1), *k, *y;
        Py_ssize_t pos = 0;
        while (PyDict_Next(x, &pos, &k, &y)) {
            int known = PySet_Contains(names, k);
            if (known < 0) return -1;
            if (known) continue;
            if (code == V_ADDL_FALSE) return 0;
            Py_INCREF(y);  /* a callable below may change the dict */
            int ok = valid(OP(op, 2), y);
            Py_DECREF(y);
            if (ok <= 0) return ok;
        }
        return 1;
    }
    case V_ITEMS: {
        if (!PyList_CheckExact(x)) return 1;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(x); i++) {
            PyObject *y = PyList_GET_ITEM(x, i);
            Py_INCREF(y);
            int ok = valid(OP(op, 1), y);
            Py_DECREF(y);
            if (ok <= 0) return ok;
        }
        return 1;
    }
    case V_NOT: {
        int ok = valid(OP(op, 1), x);
        return ok < 0 ? -1 : !ok;
    }
    case V_IF: {
        int cond = valid(OP(op, 1), x);
        if (cond < 0) return -1;
        return valid(OP(op, cond ? 2 : 3), x);
    }
    case V_CUSTOM: {
        int found = truthy_call1(OP(op, 1), x);
        return found < 0 ? -1 : !found;
    }
    }
    PyErr_Format(PyExc_SystemError, "wanspec: unknown validity opcode %ld", code);
    return -1;
}

static int valid(PyObject *node, PyObject *x)
{
    if (node == Py_True) return 1;
    if (node == Py_False) return 0;
    if (Py_EnterRecursiveCall(" in the compiled checker")) return -1;
    int ok = 1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(node) && ok == 1; i++)
        ok = valid_op(PyTuple_GET_ITEM(node, i), x);
    Py_LeaveRecursiveCall();
    return ok;
}

/* -- errors ---------------------------------------------------------------------------- */
static int push(Walk *w, PyObject *step)  /* steals step */
{
    if (step == NULL) return -1;
    if (w->depth == w->cap) {
        Py_ssize_t cap = w->cap ? w->cap * 2 : 16;
        PyObject **grown = PyMem_Realloc(w->path, (size_t)cap * sizeof(PyObject *));
        if (grown == NULL) {
            Py_DECREF(step);
            PyErr_NoMemory();
            return -1;
        }
        w->path = grown;
        w->cap = cap;
    }
    w->path[w->depth++] = step;
    return 0;
}

static void pop(Walk *w) { Py_DECREF(w->path[--w->depth]); }

/* out.append(error(keyword, sp, ip, x[, message[, branches]])): nargs 4, 5 or 6 */
static int report(Walk *w, PyObject *out, PyObject *keyword, PyObject *sp, PyObject *x, PyObject *message,
                  PyObject *branches, Py_ssize_t nargs)
{
    PyObject *ip = PyTuple_New(w->depth);
    if (ip == NULL) return -1;
    for (Py_ssize_t i = 0; i < w->depth; i++) {
        Py_INCREF(w->path[i]);
        PyTuple_SET_ITEM(ip, i, w->path[i]);
    }
    PyObject *args[6] = {keyword, sp, ip, x, message, branches};
    /* runtime.error_builder refuses only containers and strings that are not ASCII (the
       generated code calls the builder without that test for numbers and ASCII strings) */
    int plain = !PyDict_CheckExact(x) && !PyList_CheckExact(x) && (!PyUnicode_CheckExact(x) || PyUnicode_IS_ASCII(x));
    PyObject *e = PyObject_Vectorcall(plain ? w->make : w->error, args, (size_t)nargs, NULL);
    Py_DECREF(ip);
    if (e == NULL) return -1;
    int failed = PyList_Append(out, e);
    Py_DECREF(e);
    return failed;
}

/* Whether the object x has every name of `names`: 1, 0, or -1 on an error. With a walk
   (`w` not NULL: the error pass), one `keyword` error is reported for each missing name
   (as jsonschema-rs reports them), and the answer is 1 unless reporting failed. */
static int present(void *w, PyObject *out, PyObject *keyword, PyObject *sp, PyObject *x, PyObject *names)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
        int in = PyDict_Contains(x, PyTuple_GET_ITEM(names, i));
        if (in < 0) return -1;
        if (in) continue;
        if (w == NULL) return 0;
        if (report((Walk *)w, out, keyword, sp, x, NULL, NULL, 4) < 0) return -1;
    }
    return 1;
}

/* dependentRequired's ((name, (needed, ...)), ...) rules over the object x: as present(). */
static int dependencies(void *w, PyObject *out, PyObject *sp, PyObject *x, PyObject *rules)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rules); i++) {
        PyObject *rule = PyTuple_GET_ITEM(rules, i);
        int in = PyDict_Contains(x, PyTuple_GET_ITEM(rule, 0));
        if (in < 0) return -1;
        if (!in) continue;
        int ok = present(w, out, kw_dependent, sp, x, PyTuple_GET_ITEM(rule, 1));
        if (ok <= 0) return ok;
    }
    return 1;
}

static int emit(Walk *w, PyObject *node, PyObject *x, PyObject *out);

/* emit(node) over y, a member or item of the value at the walk's path, at path + step
   (a reference emit_at takes over; NULL: the error that made it stands). */
static int emit_at(Walk *w, PyObject *step, PyObject *node, PyObject *y, PyObject *out)
{
    if (push(w, step) < 0) return -1;  /* push fails before it pushes */
    Py_INCREF(y);  /* a callable below may change the container that holds it */
    int failed = emit(w, node, y, out) < 0;
    Py_DECREF(y);
    pop(w);
    return failed ? -1 : 0;
}

static int emit_custom(Walk *w, PyObject *op, PyObject *x, PyObject *out)
{
    PyObject *found = PyObject_CallOneArg(OP(op, 3), x);
    if (found == NULL) return -1;
    PyObject *it = PyObject_GetIter(found);
    Py_DECREF(found);
    if (it == NULL) return -1;
    PyObject *item;
    int failed = 0;
    while (!failed && (item = PyIter_Next(it)) != NULL) {
        PyObject *pair = PySequence_Tuple(item);
        Py_DECREF(item);
        if (pair == NULL || PyTuple_GET_SIZE(pair) != 2) {
            if (pair != NULL) PyErr_SetString(PyExc_ValueError, "a custom keyword's finding is not (rule, message)");
            Py_XDECREF(pair);
            failed = 1;
            break;
        }
        PyObject *head = PyNumber_Add(PyTuple_GET_ITEM(pair, 0), OP(op, 4));
        PyObject *message = head ? PyNumber_Add(head, PyTuple_GET_ITEM(pair, 1)) : NULL;
        Py_XDECREF(head);
        Py_DECREF(pair);
        if (message == NULL) {
            failed = 1;
            break;
        }
        failed = report(w, out, OP(op, 1), OP(op, 2), x, message, NULL, 5) < 0;
        Py_DECREF(message);
    }
    Py_DECREF(it);
    return (failed || PyErr_Occurred()) ? -1 : 0;
}

static int emit_op(Walk *w, PyObject *op, PyObject *x, PyObject *out)
{
    long code = OPINT(op, 0);
    switch (code) {
    case E_FALSE:
        return report(w, out, kw_false, OP(op, 1), x, NULL, NULL, 4);
    case E_TYPED:
        if (has_type(x, OPINT(op, 1))) return emit(w, OP(op, 3), x, out);
        return report(w, out, kw_type, OP(op, 2), x, NULL, NULL, 4);
    case E_TEST: {
        int ok = valid(OP(op, 3), x);
        if (ok < 0) return -1;
        return ok ? 0 : report(w, out, OP(op, 1), OP(op, 2), x, NULL, NULL, 4);
    }
    case E_CUSTOM:
        return emit_custom(w, op, x, out);
    case E_REQUIRED:
        if (!PyDict_CheckExact(x)) return 0;
        return present(w, out, kw_required, OP(op, 1), x, OP(op, 2)) < 0 ? -1 : 0;
    case E_DEPREQ:
        if (!PyDict_CheckExact(x)) return 0;
        return dependencies(w, out, OP(op, 1), x, OP(op, 2)) < 0 ? -1 : 0;
    case E_PROPS: {
        if (!PyDict_CheckExact(x)) return 0;
        PyObject *members = OP(op, 1);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(members); i++) {
            PyObject *member = PyTuple_GET_ITEM(members, i);
            PyObject *name = PyTuple_GET_ITEM(member, 0);
            PyObject *y = PyDict_GetItemWithError(x, name);
            if (y == NULL) {
                if (PyErr_Occurred()) return -1;
                continue;
            }
            Py_INCREF(name);
            if (emit_at(w, name, PyTuple_GET_ITEM(member, 1), y, out) < 0) return -1;
        }
        return 0;
    }
    case E_ADDL_FALSE: {
        if (!PyDict_CheckExact(x)) return 0;
        PyObject *k, *y;
        Py_ssize_t pos = 0;
        while (PyDict_Next(x, &pos, &k, &y)) {
            int known = PySet_Contains(OP(op, 2), k);
            if (known < 0) return -1;
            if (!known) return report(w, out, kw_additional, OP(op, 1), x, NULL, NULL, 4);
        }
        return 0;
    }
    case E_ADDL: {
        if (!PyDict_CheckExact(x)) return 0;
        /* the generated code walks x.items(); a snapshot keeps this walk safe from a
           callable that changes the dict */
        PyObject *items = PyDict_Items(x);
        if (items == NULL) return -1;
        int failed = 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items) && !failed; i++) {
            PyObject *pair = PyList_GET_ITEM(items, i);
            PyObject *k = PyTuple_GET_ITEM(pair, 0);
            int known = PySet_Contains(OP(op, 1), k);
            if (known < 0) failed = 1;
            else if (!known) {
                Py_INCREF(k);
                failed = emit_at(w, k, OP(op, 2), PyTuple_GET_ITEM(pair, 1), out) < 0;
            }
        }
        Py_DECREF(items);
        return failed ? -1 : 0;
    }
    case E_ITEMS: {
        if (!PyList_CheckExact(x)) return 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(x); i++)
            if (emit_at(w, PyLong_FromSsize_t(i), OP(op, 1), PyList_GET_ITEM(x, i), out) < 0) return -1;
        return 0;
    }
    case E_ANYOF: {
        int ok = valid(OP(op, 2), x);
        if (ok) return ok < 0 ? -1 : 0;
        PyObject *branches = OP(op, 3);
        Py_ssize_t n = PyTuple_GET_SIZE(branches);
        PyObject *groups = PyTuple_New(n);
        if (groups == NULL) return -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *group = PyList_New(0);
            if (group == NULL || emit(w, PyTuple_GET_ITEM(branches, i), x, group) < 0) {
                Py_XDECREF(group);
                Py_DECREF(groups);
                return -1;
            }
            PyObject *frozen = PyList_AsTuple(group);
            Py_DECREF(group);
            if (frozen == NULL) {
                Py_DECREF(groups);
                return -1;
            }
            PyTuple_SET_ITEM(groups, i, frozen);
        }
        int failed = report(w, out, kw_anyof, OP(op, 1), x, Py_None, groups, 6);
        Py_DECREF(groups);
        return failed;
    }
    case E_NOT: {
        int ok = valid(OP(op, 2), x);
        if (ok < 0) return -1;
        return ok ? report(w, out, kw_not, OP(op, 1), x, NULL, NULL, 4) : 0;
    }
    case E_IF: {
        int cond = valid(OP(op, 1), x);
        if (cond < 0) return -1;
        return emit(w, OP(op, cond ? 2 : 3), x, out);
    }
    }
    PyErr_Format(PyExc_SystemError, "wanspec: unknown error opcode %ld", code);
    return -1;
}

static int emit(Walk *w, PyObject *node, PyObject *x, PyObject *out)
{
    if (Py_EnterRecursiveCall(" in the compiled checker")) return -1;
    int failed = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(node) && !failed; i++)
        failed = emit_op(w, PyTuple_GET_ITEM(node, i), x, out) < 0;
    Py_LeaveRecursiveCall();
    return failed ? -1 : 0;
}

PyDoc_STRVAR(check_doc,
"check(program, error, make, fallback, task) -> list\n\n"
"The errors of a plain JSON task under a schema's program (wanspec.lint.native), each made\n"
"by error(keyword, schema_path, instance_path, instance[, message[, branches]]), in the\n"
"order the generated Python checker finds them; by make(...) (the same arguments) where\n"
"the instance is a number, a boolean, null or an ASCII string, which error passes to make.\n"
"Raises fallback (runtime.Fallback: jsonschema-rs must answer) for a task that is not an\n"
"object, or nested past what the stack allows, as the generated checker does.");

static PyObject *fastcheck_check(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5 || !PyTuple_CheckExact(args[0]) || !PyExceptionClass_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "check(program, error, make, fallback, task): a tuple, two callables, an exception class, a task");
        return NULL;
    }
    PyObject *task = args[4];
    if (!PyDict_CheckExact(task)) {  /* a task is an object: anything else, jsonschema-rs says */
        PyErr_SetNone(args[3]);
        return NULL;
    }
    Walk w = {args[1], args[2], NULL, 0, 0};
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    int failed = emit(&w, args[0], task, out) < 0;
    while (w.depth) pop(&w);
    PyMem_Free(w.path);
    if (failed) {
        Py_DECREF(out);
        if (PyErr_ExceptionMatches(PyExc_RecursionError)) {  /* nested past this stack */
            PyErr_Clear();
            PyErr_SetNone(args[3]);
        }
        return NULL;
    }
    return out;
}

static int fastcheck_init(void)
{
    kw_false = PyUnicode_InternFromString("false");
    kw_type = PyUnicode_InternFromString("type");
    kw_required = PyUnicode_InternFromString("required");
    kw_dependent = PyUnicode_InternFromString("dependentRequired");
    kw_additional = PyUnicode_InternFromString("additionalProperties");
    kw_anyof = PyUnicode_InternFromString("anyOf");
    kw_not = PyUnicode_InternFromString("not");
    return (kw_false && kw_type && kw_required && kw_dependent && kw_additional && kw_anyof && kw_not) ? 0 : -1;
}
