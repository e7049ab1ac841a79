/*
 * strava_csv.c: Strava's activities.csv (the format is described in
 * strava_csv.h).
 *
 * Known header spellings, matched without case and surrounding blanks:
 *
 *   column        English (2019-)       old (-2019)    German
 *   id            Activity ID           id             Aktivitäts-ID
 *   date          Activity Date         date           Aktivitätsdatum
 *   name          Activity Name         name           Name der Aktivität
 *   type          Activity Type         type           Aktivitätsart
 *   elapsed (x2)  Elapsed Time          elapsed_time   Verstrichene Zeit
 *   moving        Moving Time           moving_time    Bewegungszeit
 *   distance (x2) Distance (km, then m) distance (m)   Distanz (km, then m)
 *   max HR (x2)   Max Heart Rate                       Max. Herzfrequenz
 *   avg HR        Average Heart Rate                   Durchschnittliche Herzfrequenz
 *   file          Filename              filename       Dateiname
 *   workout type  Workout Type          workout_type   Trainingsart
 *   competition   Competition                          Wettkampf
 *
 * A lone English/German "Distance" column is kilometres, as in the 2019
 * exports, unless that would mean faster than 100 m/s over the elapsed time:
 * then it is metres (some tools write metres under that name).
 * Workout Type follows the Strava API: 1 and 11 are races, 3 and 12 workouts.
 */
#include "formats/strava_csv.h"
#include "alloc.h"
#include "utf8.h"
#include "buf.h"
#include "rubdown/date.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum col {
	C_ID, C_DATE, C_NAME, C_TYPE, C_ELAPSED, C_ELAPSED2, C_MOVING, C_DIST,
	C_DIST2, C_MAXHR, C_MAXHR2, C_AVGHR, C_FILE, C_WTYPE, C_COMP, C_COUNT
};

/* Columns that may appear twice: the second occurrence goes to col + 1. */
#define TWICE(c) ((c) == C_ELAPSED || (c) == C_DIST || (c) == C_MAXHR)

static const struct {
	enum col col;
	const char *name;
} spellings[] = {
	{C_ID, "Activity ID"}, {C_ID, "id"}, {C_ID, "Aktivitäts-ID"},
	{C_DATE, "Activity Date"}, {C_DATE, "date"}, {C_DATE, "Aktivitätsdatum"},
	{C_NAME, "Activity Name"}, {C_NAME, "name"}, {C_NAME, "Name der Aktivität"},
	{C_TYPE, "Activity Type"}, {C_TYPE, "type"}, {C_TYPE, "Aktivitätsart"},
	{C_ELAPSED, "Elapsed Time"}, {C_ELAPSED, "elapsed_time"},
	{C_ELAPSED, "Verstrichene Zeit"},
	{C_MOVING, "Moving Time"}, {C_MOVING, "moving_time"},
	{C_MOVING, "Bewegungszeit"},
	{C_DIST, "Distance"}, {C_DIST, "Distanz"},
	{C_MAXHR, "Max Heart Rate"}, {C_MAXHR, "max_heartrate"},
	{C_MAXHR, "Max. Herzfrequenz"},
	{C_AVGHR, "Average Heart Rate"}, {C_AVGHR, "average_heartrate"},
	{C_AVGHR, "Durchschnittliche Herzfrequenz"},
	{C_FILE, "Filename"}, {C_FILE, "Dateiname"},
	{C_WTYPE, "Workout Type"}, {C_WTYPE, "workout_type"},
	{C_WTYPE, "Trainingsart"},
	{C_COMP, "Competition"}, {C_COMP, "Wettkampf"},
};

enum state { S_START, S_UNQUOTED, S_QUOTED, S_QUOTE };

struct strava_csv {
	char *source;
	rd_warn_fn warn;
	void *warn_ctx;
	enum state st;
	rd_buf row;          /* fields of the current row, NUL separated */
	size_t *fields;      /* offsets into row */
	size_t nfields, capfields, field_len;
	unsigned long line, col, row_line, quote_line, quote_col;
	int header_done, dist_is_m, bom_checked;
	int cols[C_COUNT];   /* column index, or -1 */
	strava_row *rows;
	size_t nrows, caprows;
	strava_row_fn sink;      /* set: rows go there and are not kept */
	void *sink_ctx;
	struct text_block *text; /* the rows' strings; blocks never move */
	int failed;
};

/* Strings are packed into blocks that are never reallocated, so the rows'
 * pointers stay valid while more rows are read. */
#define TEXT_BLOCK 65536
typedef struct text_block {
	struct text_block *next;
	size_t used, cap;
	char data[];
} text_block;

/* Skips *s past leading spaces and tabs; returns its length without the
 * trailing ones. */
static size_t trimmed(const char **s)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
	size_t n = strlen(*s);
	while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
		n--;
	return n;
}

/* s trimmed of spaces and tabs, cut to max bytes on a UTF-8 boundary, copied
 * into the text blocks; NULL when out of memory. */
static const char *keep_text(strava_csv *c, const char *s, size_t max)
{
	size_t n = trimmed(&s);
	n = rd_utf8_cut(s, n, max);
	text_block *b = c->text;
	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > TEXT_BLOCK ? n + 1 : TEXT_BLOCK;
		text_block *nb = rd_malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->used = 0;
		nb->cap = cap;
		c->text = b = nb;
	}
	char *dst = b->data + b->used;
	memcpy(dst, s, n);
	dst[n] = '\0';
	b->used += n + 1;
	return dst;
}

int strava_csv_new(strava_csv **out, const char *source, rd_warn_fn warn,
		   void *warn_ctx)
{
	*out = NULL;
	strava_csv *c = rd_calloc(1, sizeof *c);
	if (!c || !(c->source = rd_strdup(source))) {
		rd_free(c);
		return RD_ENOMEM;
	}
	c->warn = warn;
	c->warn_ctx = warn_ctx;
	c->line = c->row_line = 1;
	c->col = 1;
	for (int i = 0; i < C_COUNT; i++)
		c->cols[i] = -1;
	*out = c;
	return 0;
}

void strava_csv_free(strava_csv *c)
{
	if (!c)
		return;
	rd_buf_dispose(&c->row);
	rd_free(c->fields);
	rd_free(c->rows);
	while (c->text) {
		text_block *next = c->text->next;
		rd_free(c->text);
		c->text = next;
	}
	rd_free(c->source);
	rd_free(c);
}

void strava_csv_set_sink(strava_csv *c, strava_row_fn fn, void *ctx)
{
	c->sink = fn;
	c->sink_ctx = ctx;
}

size_t strava_csv_count(const strava_csv *c)
{
	return c->nrows;
}

const strava_row *strava_csv_row(const strava_csv *c, size_t i)
{
	return i < c->nrows ? &c->rows[i] : NULL;
}

static void warn_at(strava_csv *c, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void warn_at(strava_csv *c, unsigned long line, const char *fmt, ...)
{
	if (!c->warn)
		return;
	rd_diag w = RD_DIAG_INIT;
	w.code = RD_EFORMAT;
	snprintf(w.file, sizeof w.file, "%s", c->source);
	w.line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w.message, sizeof w.message, fmt, ap);
	va_end(ap);
	c->warn(c->warn_ctx, &w);
}

/* ---- numbers and dates ---- */

int strava_parse_number(double *out, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	int neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	double v = 0, scale = 1;
	int digits = 0, frac = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (frac)
				v += (*s - '0') * (scale /= 10);
			else
				v = v * 10 + (*s - '0');
			digits++;
		} else if ((*s == '.' || *s == ',') && !frac) {
			frac = 1;
		} else {
			break;
		}
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (!digits || *s)
		return RD_EFORMAT;
	*out = neg ? -v : v;
	return 0;
}

/* Reads up to max digits; returns the count read. */
static int read_int(const char **s, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && **s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n;
}

static int expect(const char **s, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*s, lit, n))
		return 0;
	*s += n;
	return 1;
}

/* "H:MM:SS" with an optional " AM"/" PM"; *s must then end. */
static int parse_clock(const char *s, int *secs)
{
	int h, m, sec = 0;
	if (!read_int(&s, 2, &h) || !expect(&s, ":") || read_int(&s, 2, &m) != 2)
		return 0;
	if (expect(&s, ":") && read_int(&s, 2, &sec) != 2)
		return 0;
	while (*s == ' ' || *s == '\xe2') { /* U+202F NNBSP before AM/PM */
		if (*s == '\xe2' && !expect(&s, "\xe2\x80\xaf"))
			return 0;
		else if (*s == ' ')
			s++;
	}
	if (!strcasecmp(s, "PM") || !strcasecmp(s, "AM")) {
		if (h < 1 || h > 12)
			return 0;
		h = h % 12 + ((s[0] | 0x20) == 'p' ? 12 : 0);
	} else if (*s && strcmp(s, "Z") && strcmp(s, "+00:00")) {
		return 0;
	}
	if (h > 23 || m > 59 || sec > 60)
		return 0;
	*secs = h * 3600 + m * 60 + sec;
	return 1;
}

static int month_abbr(const char **s)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int i = 0; i < 12; i++)
		if (!strncasecmp(*s, names[i], 3)) {
			*s += 3;
			while (**s >= 'a' && **s <= 'z') /* "Sept", "June" */
				(*s)++;
			if (**s == '.')
				(*s)++;
			return i + 1;
		}
	return 0;
}

/* Fills y, mo, d and points *rest at the time of day. */
static int parse_day(const char *s, int *y, int *mo, int *d, const char **rest)
{
	if ((*mo = month_abbr(&s)) != 0) { /* "Sep 12, 2018, " */
		if (!expect(&s, " ") || !read_int(&s, 2, d) || !expect(&s, ", ") ||
		    read_int(&s, 4, y) != 4 || !expect(&s, ","))
			return 0;
	} else if (read_int((const char *[]){s}, 4, y) == 4) { /* "2018-09-12 " */
		s += 4;
		if (!expect(&s, "-") || read_int(&s, 2, mo) != 2 ||
		    !expect(&s, "-") || read_int(&s, 2, d) != 2 ||
		    (*s != ' ' && *s != 'T'))
			return 0;
		s++;
	} else { /* "09.12.2022, " */
		const char *t = s;
		if (!read_int(&t, 2, d) || !expect(&t, ".") || !read_int(&t, 2, mo) ||
		    !expect(&t, ".") || read_int(&t, 4, y) != 4 || !expect(&t, ","))
			return 0;
		s = t;
	}
	while (*s == ' ')
		s++;
	*rest = s;
	return rd_date_valid(*y, *mo, *d);
}

int strava_parse_date(int64_t *out, const char *s)
{
	int y, mo, d, secs;
	const char *rest;
	while (*s == ' ')
		s++;
	if (!parse_day(s, &y, &mo, &d, &rest) || !parse_clock(rest, &secs))
		return RD_EFORMAT;
	*out = rd_date_to_unix(rd_date_from_ymd(y, mo, d)) + secs;
	return 0;
}

/* ---- activity types ---- */

static const struct {
	const char *type;
	rd_sport sport;
} types[] = {
	{"Run", RD_SPORT_RUN}, {"Trail Run", RD_SPORT_TRAIL},
	{"Virtual Run", RD_SPORT_TREADMILL}, {"Walk", RD_SPORT_WALK},
	{"Hike", RD_SPORT_WALK}, {"Ride", RD_SPORT_BIKE},
	{"Virtual Ride", RD_SPORT_BIKE}, {"E-Bike Ride", RD_SPORT_BIKE},
	{"Mountain Bike Ride", RD_SPORT_BIKE}, {"Gravel Ride", RD_SPORT_BIKE},
	{"E-Mountain Bike Ride", RD_SPORT_BIKE}, {"Velomobile", RD_SPORT_BIKE},
	{"Handcycle", RD_SPORT_BIKE}, {"Swim", RD_SPORT_SWIM},
	{"Lauf", RD_SPORT_RUN}, {"Traillauf", RD_SPORT_TRAIL},
	{"Virtueller Lauf", RD_SPORT_TREADMILL}, {"Spaziergang", RD_SPORT_WALK},
	{"Wanderung", RD_SPORT_WALK}, {"Radfahrt", RD_SPORT_BIKE},
	{"Virtuelle Radfahrt", RD_SPORT_BIKE}, {"Schwimmen", RD_SPORT_SWIM},
};

rd_sport strava_sport(const char *type)
{
	if (!type[0])
		return RD_SPORT_UNKNOWN;
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (!strcasecmp(type, types[i].type))
			return types[i].sport;
	return RD_SPORT_OTHER;
}

/* ---- header ---- */

static void trim_copy(char *dst, size_t size, const char *s)
{
	size_t n = trimmed(&s);
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static const char *field(const strava_csv *c, size_t i)
{
	return c->row.data + c->fields[i];
}

static void map_column(strava_csv *c, size_t i)
{
	char name[128];
	trim_copy(name, sizeof name, field(c, i));
	for (size_t k = 0; k < sizeof spellings / sizeof *spellings; k++) {
		if (strcasecmp(name, spellings[k].name))
			continue;
		enum col col = spellings[k].col;
		if (col == C_DIST && !strcmp(name, "distance"))
			c->dist_is_m = 1;
		if (c->cols[col] < 0)
			c->cols[col] = (int)i;
		else if (TWICE(col) && c->cols[col + 1] < 0)
			c->cols[col + 1] = (int)i;
		return;
	}
}

static int read_header(strava_csv *c, rd_diag *diag)
{
	for (size_t i = 0; i < c->nfields; i++)
		map_column(c, i);
	static const struct { enum col col; const char *name; } required[] = {
		{C_ID, "Activity ID"}, {C_DATE, "Activity Date"}};
	for (size_t k = 0; k < 2; k++)
		if (c->cols[required[k].col] < 0)
			return rd_diag_set(diag, RD_EFORMAT, c->source, c->row_line, 1,
					   "activities.csv has no '%s' column",
					   required[k].name);
	c->header_done = 1;
	return 0;
}

/* ---- rows ---- */

static const char *cell(const strava_csv *c, enum col col)
{
	int i = c->cols[col];
	return i >= 0 && (size_t)i < c->nfields ? field(c, (size_t)i) : "";
}

static double number(const strava_csv *c, enum col col)
{
	double v;
	return strava_parse_number(&v, cell(c, col)) ? NAN : v;
}

static int first_int(const strava_csv *c, enum col a, enum col b)
{
	double v = number(c, a);
	if (isnan(v))
		v = number(c, b);
	return isnan(v) || v < 0 || v > 1000 ? -1 : (int)lround(v);
}

static double row_distance(const strava_csv *c, double elapsed)
{
	double m = number(c, C_DIST2), v = number(c, C_DIST);
	if (!isnan(m))
		return m;
	if (isnan(v) || c->dist_is_m)
		return v;
	if (c->cols[C_DIST2] < 0 && elapsed > 0 && v * 1000 / elapsed > 100)
		return v; /* a lone column holding metres */
	return v * 1000;
}

static void row_marks(const strava_csv *c, strava_row *r)
{
	const char *w = cell(c, C_WTYPE), *comp = cell(c, C_COMP);
	double code;
	if (!strava_parse_number(&code, w)) {
		r->race = code == 1 || code == 11;
		r->workout = code == 3 || code == 12;
	} else {
		r->race = !strcasecmp(w, "Race") || !strcasecmp(w, "Wettkampf");
		r->workout = !strcasecmp(w, "Workout") || !strcasecmp(w, "Training");
	}
	if (!strcasecmp(comp, "true") || !strcmp(comp, "1") ||
	    !strcasecmp(comp, "yes") || !strcasecmp(comp, "ja"))
		r->race = 1;
}

static int fill_row(strava_csv *c, strava_row *r)
{
	memset(r, 0, sizeof *r);
	r->line = c->row_line;
	if (!(r->id = keep_text(c, cell(c, C_ID), STRAVA_ID_MAX)) ||
	    !(r->name = keep_text(c, cell(c, C_NAME), STRAVA_NAME_MAX)) ||
	    !(r->type = keep_text(c, cell(c, C_TYPE), STRAVA_TYPE_MAX)) ||
	    !(r->filename = keep_text(c, cell(c, C_FILE), STRAVA_FILENAME_MAX)))
		return RD_ENOMEM;
	const char *date = cell(c, C_DATE);
	if (strava_parse_date(&r->start_utc, date)) {
		r->start_utc = INT64_MIN;
		warn_at(c, r->line, "activity %s: date '%.60s' not understood; start unknown",
			r->id, date);
	}
	r->elapsed_s = number(c, C_ELAPSED);
	if (isnan(r->elapsed_s))
		r->elapsed_s = number(c, C_ELAPSED2);
	r->moving_s = number(c, C_MOVING);
	r->distance_m = row_distance(c, r->elapsed_s);
	r->max_hr = first_int(c, C_MAXHR, C_MAXHR2);
	r->avg_hr = first_int(c, C_AVGHR, C_AVGHR);
	row_marks(c, r);
	return 0;
}

/* A row handed to the sink: its texts go in the first text block, used
 * again by the next row (a row's texts fit one block). */
static int sink_row(strava_csv *c)
{
	strava_row r;
	if (c->text)
		c->text->used = 0;
	int rc = fill_row(c, &r);
	if (!rc)
		rc = c->sink(c->sink_ctx, &r);
	c->nrows += !rc;
	return rc;
}

static int end_row(strava_csv *c, rd_diag *diag)
{
	int rc = 0;
	if (c->nfields == 1 && !field(c, 0)[0])
		; /* blank line */
	else if (!c->header_done)
		rc = read_header(c, diag);
	else if (c->nrows >= STRAVA_CSV_MAX_ROWS)
		rc = rd_diag_set(diag, RD_ELIMIT, c->source, c->row_line, 1,
				 "row limit of %u reached", STRAVA_CSV_MAX_ROWS);
	else if (c->sink)
		rc = sink_row(c);
	else if (rd_grow((void **)&c->rows, &c->caprows, c->nrows + 1, sizeof *c->rows) ||
		 fill_row(c, &c->rows[c->nrows]))
		rc = RD_ENOMEM;
	else
		c->nrows++;
	c->row.len = 0;
	c->nfields = 0;
	c->row_line = c->line + 1; /* called on the '\n' ending this row */
	return rc;
}

/* ---- the RFC 4180 state machine ---- */

static int start_field(strava_csv *c)
{
	if (rd_grow((void **)&c->fields, &c->capfields, c->nfields + 1, sizeof *c->fields))
		return RD_ENOMEM;
	c->fields[c->nfields++] = c->row.len;
	c->field_len = 0;
	return 0;
}

static int end_field(strava_csv *c)
{
	rd_buf_putc(&c->row, 0);
	return c->row.oom ? RD_ENOMEM : 0;
}

static int put(strava_csv *c, char ch, rd_diag *diag)
{
	if (++c->field_len > STRAVA_CSV_MAX_FIELD)
		return rd_diag_set(diag, RD_ELIMIT, c->source, c->line, c->col,
				   "field longer than %u bytes", STRAVA_CSV_MAX_FIELD);
	rd_buf_putc(&c->row, ch);
	return c->row.oom ? RD_ENOMEM : 0;
}

/* A separator or end of line outside quotes. */
static int boundary(strava_csv *c, char ch, rd_diag *diag)
{
	int rc = end_field(c);
	if (rc)
		return rc;
	c->st = S_START;
	return ch == '\n' ? end_row(c, diag) : 0;
}

static int step(strava_csv *c, char ch, rd_diag *diag)
{
	if (c->st == S_START) {
		int rc = start_field(c);
		if (rc)
			return rc;
		if (ch == '"') {
			c->st = S_QUOTED;
			c->quote_line = c->line;
			c->quote_col = c->col;
			return 0;
		}
		c->st = S_UNQUOTED;
	}
	switch (c->st) {
	case S_QUOTED:
		return ch == '"' ? (c->st = S_QUOTE, 0) : put(c, ch, diag);
	case S_QUOTE:
		if (ch == '"') {
			c->st = S_QUOTED;
			return put(c, ch, diag);
		}
		c->st = S_UNQUOTED; /* text after the closing quote is kept */
		/* fall through */
	default:
		if (ch == ',' || ch == '\n')
			return boundary(c, ch, diag);
		return ch == '\r' ? 0 : put(c, ch, diag);
	}
}

int strava_csv_feed(strava_csv *c, const uint8_t *p, size_t n, rd_diag *diag)
{
	if (c->failed)
		return c->failed;
	for (size_t i = 0; i < n; i++) {
		if (!c->bom_checked && c->row.len == 0 && c->nfields == 0 &&
		    c->line == 1 && c->col <= 3 && p[i] == (uint8_t)"\xEF\xBB\xBF"[c->col - 1]) {
			c->col++;
			continue;
		}
		c->bom_checked = 1;
		int rc = step(c, (char)p[i], diag);
		if (rc)
			return c->failed = rc;
		if (p[i] == '\n') {
			c->line++;
			c->col = 1;
		} else {
			c->col++;
		}
	}
	return 0;
}

int strava_csv_finish(strava_csv *c, rd_diag *diag)
{
	if (c->failed)
		return c->failed;
	if (c->st == S_QUOTED)
		return c->failed = rd_diag_set(diag, RD_EFORMAT, c->source,
					       c->quote_line, c->quote_col,
					       "unterminated quoted field");
	if (c->st != S_START || c->nfields) {
		int rc = boundary(c, '\n', diag);
		if (rc)
			return c->failed = rc;
	}
	if (!c->header_done)
		return c->failed = rd_diag_set(diag, RD_EFORMAT, c->source, c->line, 1,
					       "activities.csv has no header row");
	return 0;
}
