/*
 * xml.c: the expat layer under the GPX and TCX readers (see xml.h).
 *
 * Bytes flow: feed() -> leading whitespace/BOM skip -> the document is
 * gathered in expat's own buffer (XML_GetBuffer) and parsed in one final
 * XML_ParseBuffer -> our handlers, which check the caps and hand (URI, local
 * name) pairs to the format.  One final call is about 12% faster on GPX and
 * TCX: after every call but a final one, expat 2.5 walks all the bytes it
 * parsed again to count lines and columns (XmlUpdatePosition), a tenth of
 * its time; it still counts them, only up to the event, when a message asks
 * where.  The buffer asked for is always limits->xml_whole_bytes (4 MiB),
 * so how a document is parsed never depends on the files read before; only
 * the pages a document fills are touched, and the parser and its buffer are
 * kept for the next document (see "readers kept" below).  A document that
 * does not fit is streamed: what was gathered, then 64 KiB batches (so a
 * caller feeding tiny chunks does not make expat re-scan a long token over
 * and over, CVE-2023-52425), each XML_Parse at most 1 MiB.  Expat's own
 * allocations go through rd_malloc, so the allocation-failure test hook
 * reaches them.
 *
 * Namespaces are resolved here, not by expat: expat's namespace mode
 * rebuilds "URI|local" for every element (copying the URI each time) and
 * costs a tenth of the parse; here each xmlns declaration is kept once on a
 * small stack (prefix, URI, depth), and an element's prefix is looked up on
 * it (a few entries).  The rules of Namespaces in XML that expat enforced
 * are kept: an unbound prefix (element or attribute), undeclaring a prefix
 * and rebinding xml/xmlns are errors; xmlns attributes are not counted
 * against the attribute cap.
 */
#include "formats/xml.h"

#include "alloc.h"
#include "utf8.h"

#include <expat.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define BATCH 65536
#define SLICE 1048576
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_XMLNS "http://www.w3.org/2000/xmlns/"

/* One xmlns declaration in scope: prefix ("" for the default namespace)
 * and URI in one allocation; uri NULL after xmlns="" (no namespace). */
typedef struct xml_binding {
	char *prefix;
	size_t prefix_len;
	const char *uri;
	size_t uri_len;
	unsigned depth;
	unsigned serial; /* see xml_name.ns_serial */
} xml_binding;

struct xml_reader {
	XML_Parser p;
	const char *source;
	const rd_limits *limits;
	xml_callbacks cb;
	void *ud;
	const activity_sink *sink;
	unsigned depth, text_depth;
	short stack[XML_STACK];
	size_t node_bytes, text_len;
	char text[XML_TEXT_KEEP];
	int lead, bom_have, last_cr, stopped;
	unsigned long lead_lines, lead_cols, lead_ws;
	uint64_t fed;
	int finished;
	xml_binding *ns;
	size_t nns, capns;
	unsigned serials; /* declarations so far */
	const xml_binding *dflt; /* memo of default_binding() */
	int dflt_valid;
	rd_diag err;
	char *whole;       /* expat's buffer, gathering the document */
	size_t whole_len, whole_cap;
	int streaming;     /* 1: too long to gather, parsed in batches */
	size_t batch_len;
	char batch[BATCH];
};

static const unsigned char BOM[3] = {0xEF, 0xBB, 0xBF};

void xml_position(const xml_reader *x, unsigned long *line, unsigned long *col)
{
	unsigned long l = XML_GetCurrentLineNumber(x->p);
	unsigned long c = XML_GetCurrentColumnNumber(x->p) + 1;
	if (l <= 1)
		c += x->lead_cols;
	*line = (l ? l : 1) + x->lead_lines;
	*col = c;
}

static int stop(xml_reader *x, int code)
{
	if (!x->stopped)
		XML_StopParser(x->p, XML_FALSE);
	x->stopped = 1;
	if (!x->err.code)
		rd_diag_set(&x->err, code, x->source, 0, 0, "reader stopped");
	return code;
}

int xml_fail(xml_reader *x, int code, const char *fmt, ...)
{
	if (!x->err.code) {
		unsigned long line, col;
		xml_position(x, &line, &col);
		rd_diag_set(&x->err, code, x->source, line, col, "%s", "");
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->err.message, sizeof x->err.message, fmt, ap);
		va_end(ap);
	}
	return stop(x, code);
}

void xml_warn(xml_reader *x, const char *fmt, ...)
{
	if (!x->sink || !x->sink->warn)
		return;
	rd_diag w = RD_DIAG_INIT;
	xml_position(x, &w.line, &w.col);
	va_list ap;
	va_start(ap, fmt);
	rd_warn_vsend(x->sink->warn, x->sink->warn_ctx, &w, x->source, fmt, ap);
	va_end(ap);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len);

/* Expat reports text only while an element collects it: the whitespace
 * between elements, most of the text of a file, costs no callback. */
void xml_want_text(xml_reader *x)
{
	x->text_depth = x->depth;
	x->text_len = 0;
	XML_SetCharacterDataHandler(x->p, on_text);
}

unsigned xml_depth(const xml_reader *x)
{
	return x->depth;
}

int xml_ancestor(const xml_reader *x, unsigned n)
{
	if (n > x->depth || x->depth - n >= XML_STACK)
		return 0;
	return x->stack[x->depth - n];
}

int xml_parent(const xml_reader *x)
{
	return xml_ancestor(x, 1);
}

/* ---- namespaces ---- */

static const xml_binding *find_binding(const xml_reader *x, const char *prefix,
				       size_t len)
{
	for (size_t i = x->nns; i-- > 0;) {
		const xml_binding *b = &x->ns[i];
		if (b->prefix_len != len)
			continue;
		size_t k = 0; /* prefixes are a few bytes: no memcmp call */
		while (k < len && b->prefix[k] == prefix[k])
			k++;
		if (k == len)
			return b;
	}
	return NULL;
}

/* The binding of the default namespace ("" prefix), looked up once per
 * change of the declarations instead of once per element. */
static const xml_binding *default_binding(xml_reader *x)
{
	if (!x->dflt_valid) {
		x->dflt = find_binding(x, "", 0);
		x->dflt_valid = 1;
	}
	return x->dflt;
}

/* "xmlns" -> "" (the default), "xmlns:p" -> "p"; NULL for other names. */
static const char *declared_prefix(const char *att)
{
	if (att[0] != 'x' || att[1] != 'm' || att[2] != 'l' || att[3] != 'n' ||
	    att[4] != 's') /* stops at the NUL of a shorter name */
		return NULL;
	return att[5] == '\0' ? att + 5 : att[5] == ':' ? att + 6 : NULL;
}

static int push_binding(xml_reader *x, const char *prefix, const char *uri)
{
	size_t plen = strlen(prefix), ulen = strlen(uri);
	int is_xml = plen == 3 && !memcmp(prefix, "xml", 3);
	int xml_uri = ulen == sizeof NS_XML - 1 && !memcmp(uri, NS_XML, ulen);
	const char *why = NULL; /* expat's words for the same errors */
	if (is_xml && !xml_uri)
		why = "reserved prefix (xml) must not be undeclared or bound "
		      "to another namespace name";
	else if (plen == 5 && !memcmp(prefix, "xmlns", 5))
		why = "reserved prefix (xmlns) must not be declared or undeclared";
	else if ((xml_uri && !is_xml) || (ulen == sizeof NS_XMLNS - 1 &&
					   !memcmp(uri, NS_XMLNS, ulen)))
		why = "prefix must not be bound to one of the reserved "
		      "namespace names";
	else if (plen && !ulen)
		why = "must not undeclare prefix";
	if (why)
		return xml_fail(x, RD_EFORMAT, "invalid XML: %s", why);
	if (x->serials == UINT_MAX - 1)
		return xml_fail(x, RD_ELIMIT, "too many namespace declarations");
	char *mem = rd_malloc(plen + ulen + 2);
	if (!mem || rd_grow((void **)&x->ns, &x->capns, x->nns + 1, sizeof *x->ns)) {
		rd_free(mem);
		return xml_fail(x, RD_ENOMEM, "out of memory");
	}
	memcpy(mem, prefix, plen + 1);
	memcpy(mem + plen + 1, uri, ulen + 1);
	x->ns[x->nns++] = (xml_binding){mem, plen, ulen ? mem + plen + 1 : NULL,
					ulen, x->depth, ++x->serials};
	x->dflt_valid = 0; /* x->ns may have moved, too */
	return 0;
}

/* Ends the scope of the declarations made at the current depth. */
static void undeclare(xml_reader *x)
{
	while (x->nns && x->ns[x->nns - 1].depth >= x->depth) {
		rd_free(x->ns[--x->nns].prefix);
		x->dflt_valid = 0;
	}
}

/* (URI, local) of a qualified name; RD_EFORMAT for an unbound prefix. */
static int resolve(xml_reader *x, const char *qname, xml_name *n)
{
	size_t len = strlen(qname);
	const char *colon = memchr(qname, ':', len);
	size_t plen = colon ? (size_t)(colon - qname) : 0;
	n->local = colon ? colon + 1 : qname;
	n->local_len = len - (colon ? plen + 1 : 0);
	n->uri = NULL;
	n->uri_len = 0;
	n->ns_serial = 0;
	if (plen == 3 && !memcmp(qname, "xml", 3)) {
		n->uri = NS_XML;
		n->uri_len = sizeof NS_XML - 1;
		n->ns_serial = UINT_MAX;
		return 0;
	}
	const xml_binding *b = colon ? find_binding(x, qname, plen)
				     : default_binding(x);
	if (colon && (!b || !plen || !n->local_len))
		return xml_fail(x, RD_EFORMAT, "invalid XML: unbound prefix");
	if (b && b->uri) {
		n->uri = b->uri;
		n->uri_len = b->uri_len;
		n->ns_serial = b->serial;
	}
	return 0;
}

/* Prefixed attributes need a binding too (xmlns ones are the bindings). */
static int check_attr_prefixes(xml_reader *x, const char **atts)
{
	for (; atts[0]; atts += 2) {
		const char *colon = atts[0];
		while (*colon && *colon != ':')
			colon++;
		if (!*colon || declared_prefix(atts[0]))
			continue;
		/* the rest is rare: prefixed attributes such as xsi:schemaLocation */
		size_t plen = (size_t)(colon - atts[0]);
		if (plen == 3 && !memcmp(atts[0], "xml", 3))
			continue;
		if (!plen || !colon[1] || !find_binding(x, atts[0], plen))
			return xml_fail(x, RD_EFORMAT, "invalid XML: unbound prefix");
	}
	return 0;
}

int xml_ns_is(const xml_name *n, const char *uri)
{
	if (!uri)
		return n->uri == NULL;
	return n->uri && strlen(uri) == n->uri_len &&
	       memcmp(n->uri, uri, n->uri_len) == 0;
}

int xml_name_is(const xml_name *n, const char *uri, const char *local)
{
	return strcmp(n->local, local) == 0 && xml_ns_is(n, uri);
}

const char *xml_attr(const char **atts, const char *name)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* The attributes of the element starting, in one pass: xmlns ones are
 * declarations, the others count against the cap, and prefixed ones need a
 * binding (checked after all the element's own declarations). */
static int attributes(xml_reader *x, const char **atts)
{
	size_t n = 0;
	int prefixed = 0;
	for (const char **a = atts; a[0]; a += 2) {
		const char *prefix = declared_prefix(a[0]);
		if (prefix) {
			if (push_binding(x, prefix, a[1]))
				return x->err.code;
			continue;
		}
		n++;
		for (const char *c = a[0]; *c; c++) /* names are short */
			prefixed |= *c == ':';
	}
	if (n > x->limits->max_xml_attributes)
		return xml_fail(x, RD_ELIMIT,
				"element has %zu attributes, more than %u", n,
				(unsigned)x->limits->max_xml_attributes);
	return prefixed ? check_attr_prefixes(x, atts) : 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	xml_reader *x = ud;
	if (x->stopped)
		return;
	x->node_bytes = 0;
	x->depth++;
	if (x->depth > x->limits->max_xml_depth) {
		xml_fail(x, RD_ELIMIT, "elements nested deeper than %u levels",
			 (unsigned)x->limits->max_xml_depth);
		return;
	}
	xml_name n;
	if ((atts[0] && attributes(x, atts)) || resolve(x, name, &n))
		return;
	n.depth = x->depth;
	n.parent = x->depth - 1 < XML_STACK ? x->stack[x->depth - 1] : 0;
	int id = x->cb.start(x->ud, x, &n, atts);
	if (id < 0) {
		stop(x, id);
		return;
	}
	if (x->depth < XML_STACK)
		x->stack[x->depth] = (short)(id > 32767 ? 0 : id);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	xml_reader *x = ud;
	(void)name;
	if (x->stopped)
		return;
	x->node_bytes = 0;
	int id = x->depth < XML_STACK ? x->stack[x->depth] : 0;
	int own = x->text_depth == x->depth;
	x->text[own ? x->text_len : 0] = '\0';
	int rc = x->cb.end(x->ud, x, id, x->text, own ? x->text_len : 0);
	if (own) {
		x->text_depth = 0;
		XML_SetCharacterDataHandler(x->p, NULL);
	}
	if (x->nns && x->ns[x->nns - 1].depth >= x->depth)
		undeclare(x); /* the element declared namespaces (rare) */
	x->depth--;
	if (rc < 0)
		stop(x, rc);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xml_reader *x = ud;
	if (x->stopped)
		return;
	x->node_bytes += (size_t)len;
	if (x->node_bytes > x->limits->max_xml_text) {
		xml_fail(x, RD_ELIMIT, "text longer than %u bytes",
			 (unsigned)x->limits->max_xml_text);
		return;
	}
	if (!x->text_depth || x->depth < x->text_depth)
		return;
	size_t room = sizeof x->text - 1 - x->text_len;
	size_t n = (size_t)len < room ? (size_t)len : room;
	memcpy(x->text + x->text_len, s, n);
	x->text_len += n;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xml_fail(ud, RD_EFORMAT,
		 "DOCTYPE declaration found; GPX and TCX files have none");
}

/* Second line of defence: no entity is ever declared. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_length,
			      const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_length;
	(void)base, (void)sysid, (void)pubid, (void)notation;
	xml_fail(ud, RD_EFORMAT, "entity declaration found; none is allowed");
}

static void free_fn(void *p)
{
	rd_free(p);
}

/* ---- readers kept for the next document ---- */

/* A finished reader keeps its parser, with expat's buffer, for the next
 * document on any thread (XML_ParserReset): allocating and freeing a
 * megabyte or two for every file fragmented the heap, and peak memory then
 * grew with the number of files (25 MB at 1,500 activities, 35 MB at 3,000
 * in make bench).  At most SPARES are kept, none gathering more than
 * SPARE_MAX; xml_readers_release() frees them. */
#define SPARES 4
#define SPARE_MAX (4u << 20)

static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static xml_reader *spares[SPARES];
static size_t nspares;

static xml_reader *take_spare(void)
{
	xml_reader *x = NULL;
	pthread_mutex_lock(&spare_lock);
	if (nspares)
		x = spares[--nspares];
	pthread_mutex_unlock(&spare_lock);
	if (!x)
		return NULL;
	XML_Parser p = x->p;
	memset(x, 0, sizeof *x);
	x->p = p;
	return x;
}

static int keep_spare(xml_reader *x)
{
	int kept = 0;
	if (x->limits->xml_whole_bytes > SPARE_MAX || !XML_ParserReset(x->p, NULL))
		return 0;
	pthread_mutex_lock(&spare_lock);
	if (nspares < SPARES) {
		spares[nspares++] = x;
		kept = 1;
	}
	pthread_mutex_unlock(&spare_lock);
	return kept;
}

static void destroy(xml_reader *x)
{
	XML_ParserFree(x->p);
	rd_free(x);
}

void xml_readers_release(void)
{
	pthread_mutex_lock(&spare_lock);
	while (nspares)
		destroy(spares[--nspares]);
	pthread_mutex_unlock(&spare_lock);
}

static xml_reader *create(void)
{
	static const XML_Memory_Handling_Suite mem = {rd_malloc, rd_realloc,
						      free_fn};
	xml_reader *x = rd_calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->p = XML_ParserCreate_MM(NULL, &mem, NULL); /* namespaces: ours */
	if (!x->p) {
		rd_free(x);
		return NULL;
	}
	return x;
}

xml_reader *xml_reader_new(const char *source, const rd_limits *limits,
			   const xml_callbacks *cb, void *ud,
			   const activity_sink *sink)
{
	xml_reader *x = take_spare();
	if (!x && !(x = create()))
		return NULL;
	x->source = source;
	x->limits = limits;
	x->cb = *cb;
	x->ud = ud;
	x->sink = sink;
	x->lead = 1;
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	return x;
}

void xml_reader_free(xml_reader *x)
{
	if (!x)
		return;
	x->depth = 0;
	undeclare(x);
	rd_free(x->ns);
	x->ns = NULL;
	if (!keep_spare(x))
		destroy(x);
}

static int report(xml_reader *x, rd_diag *diag)
{
	if (diag && x->err.code)
		rd_diag_set(diag, x->err.code, x->err.file, x->err.line,
			    x->err.col, "%s", x->err.message);
	return x->err.code;
}

static int expat_error(xml_reader *x)
{
	if (x->err.code)
		return x->err.code;
	enum XML_Error e = XML_GetErrorCode(x->p);
	int code = e == XML_ERROR_NO_MEMORY ? RD_ENOMEM : RD_EFORMAT;
	return xml_fail(x, code, "invalid XML: %s", XML_ErrorString(e));
}

static int parse(xml_reader *x, const char *buf, size_t len, int final)
{
	do {
		size_t n = len < SLICE ? len : SLICE;
		int last = final && n == len;
		if (XML_Parse(x->p, buf, (int)n, last) != XML_STATUS_OK)
			return expat_error(x);
		if (x->err.code)
			return x->err.code;
		buf += n;
		len -= n;
	} while (len);
	return 0;
}

/* The end of a document that fitted: one final call. */
static int parse_whole(xml_reader *x)
{
	enum XML_Status st = x->whole ? XML_ParseBuffer(x->p, (int)x->whole_len, 1) :
					XML_Parse(x->p, NULL, 0, 1);
	if (st != XML_STATUS_OK)
		return expat_error(x);
	return x->err.code;
}

/* Copies buf into expat's buffer and returns how many bytes it took; when
 * the document outgrows the buffer, parses what was gathered and streams
 * from then on.  Negative: an error. */
static long gather(xml_reader *x, const char *buf, size_t len)
{
	if (!x->whole) {
		x->whole_cap = x->limits->xml_whole_bytes;
		if (x->whole_cap && !(x->whole = XML_GetBuffer(x->p, (int)x->whole_cap)))
			return expat_error(x);
	}
	size_t n = len < x->whole_cap - x->whole_len ? len : x->whole_cap - x->whole_len;
	if (n) /* x->whole is NULL when nothing is gathered */
		memcpy(x->whole + x->whole_len, buf, n);
	x->whole_len += n;
	if (n == len)
		return (long)n;
	x->streaming = 1;
	size_t have = x->whole_len;
	x->whole = NULL; /* expat's from now on */
	if (have && XML_ParseBuffer(x->p, (int)have, 0) != XML_STATUS_OK)
		return expat_error(x);
	return x->err.code ? x->err.code : (long)n;
}

static int flush(xml_reader *x, int final)
{
	if (!x->streaming)
		return final ? parse_whole(x) : 0;
	size_t n = x->batch_len;
	x->batch_len = 0;
	if (!n && !final)
		return 0;
	return parse(x, x->batch, n, final);
}

/* Gathers the document while it fits; then batches small chunks,
 * and big ones (a whole batch or more) go straight to expat. */
static int push(xml_reader *x, const char *buf, size_t len)
{
	if (!x->streaming) {
		long took = gather(x, buf, len);
		if (took < 0 || (size_t)took == len)
			return took < 0 ? (int)took : 0;
		buf += took;
		len -= (size_t)took;
	}
	if (x->batch_len == 0 && len >= BATCH)
		return parse(x, buf, len, 0);
	if (x->batch_len + len <= BATCH) {
		memcpy(x->batch + x->batch_len, buf, len);
		x->batch_len += len;
		return x->batch_len == BATCH ? flush(x, 0) : 0;
	}
	int rc = flush(x, 0);
	return rc ? rc : parse(x, buf, len, 0);
}

static void count_lead(xml_reader *x, unsigned char c)
{
	x->lead_ws++;
	if (c == '\n' && x->last_cr) {
		x->last_cr = 0;
		return;
	}
	x->last_cr = c == '\r';
	if (c == '\n' || c == '\r') {
		x->lead_lines++;
		x->lead_cols = 0;
	} else {
		x->lead_cols++;
	}
}

/* Ends the skip: pushes a partly matched BOM back, warns once. */
static int end_lead(xml_reader *x)
{
	x->lead = 0;
	if (x->lead_ws)
		xml_warn(x, "%lu whitespace bytes before the XML declaration "
			    "skipped", x->lead_ws);
	int have = x->bom_have;
	x->bom_have = 0;
	return have ? push(x, (const char *)BOM, (size_t)have) : 0;
}

/* Skips leading whitespace and BOMs; returns how many bytes of buf it ate,
 * or a negative code. */
static long skip_lead(xml_reader *x, const uint8_t *buf, size_t len)
{
	size_t i = 0;
	for (; i < len && x->lead; i++) {
		unsigned char c = buf[i];
		if (x->bom_have && c == BOM[x->bom_have]) {
			x->bom_have = (x->bom_have + 1) % 3;
		} else if (x->bom_have || (c != ' ' && c != '\t' && c != '\n' &&
					   c != '\r' && c != BOM[0])) {
			int rc = end_lead(x);
			if (rc)
				return rc;
			break;
		} else if (c == BOM[0]) {
			x->bom_have = 1;
		} else {
			count_lead(x, c);
		}
	}
	return (long)i;
}

int xml_reader_feed(xml_reader *x, const uint8_t *buf, size_t len,
		    rd_diag *diag)
{
	if (x->err.code || x->finished)
		return report(x, diag);
	x->fed += len;
	if (x->fed > x->limits->max_file_bytes) {
		xml_fail(x, RD_ELIMIT, "file larger than %llu bytes",
			 (unsigned long long)x->limits->max_file_bytes);
		return report(x, diag);
	}
	if (x->lead) {
		long eaten = skip_lead(x, buf, len);
		if (eaten < 0)
			return report(x, diag);
		buf += eaten;
		len -= (size_t)eaten;
	}
	if (len)
		push(x, (const char *)buf, len);
	return report(x, diag);
}

int xml_reader_finish(xml_reader *x, rd_diag *diag)
{
	if (!x->err.code && !x->finished) {
		x->finished = 1;
		if (!x->lead || end_lead(x) == 0)
			flush(x, 1);
	}
	return report(x, diag);
}
