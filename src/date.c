/* date.c: civil dates as day counts (Howard Hinnant's algorithms). */
#include "rubdown/date.h"
#include "rubdown/error.h"

#include <time.h>

rd_date rd_date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void rd_date_to_ymd(rd_date z, int *year, int *month, int *day)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rd_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap(y));
}

int rd_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= rd_days_in_month(y, m);
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int rd_date_parse(rd_date *out, const char *s, size_t len)
{
	int y, m, d;
	if (len != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
	    digits(s + 5, 2, &m) || digits(s + 8, 2, &d) || !rd_date_valid(y, m, d))
		return RD_EFORMAT;
	*out = rd_date_from_ymd(y, m, d);
	return 0;
}

void rd_date_format(rd_date d, char buf[11])
{
	int y, m, day;
	rd_date_to_ymd(d, &y, &m, &day);
	if (y < 0 || y > 9999)
		y = 0;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + day / 10);
	buf[9] = (char)('0' + day % 10);
	buf[10] = 0;
}

int rd_date_weekday(rd_date d)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	int w = (int)((d % 7 + 7 + 3) % 7);
	return w;
}

const char *rd_weekday_short(int wd)
{
	static const char *names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	return wd >= 0 && wd < 7 ? names[wd] : "?";
}

const char *rd_weekday_name(int wd)
{
	static const char *names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
				       "Friday", "Saturday", "Sunday"};
	return wd >= 0 && wd < 7 ? names[wd] : "?";
}

int rd_date_month(rd_date d)
{
	int y, m, day;
	rd_date_to_ymd(d, &y, &m, &day);
	return y * 12 + m - 1;
}

rd_date rd_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return rd_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

rd_date rd_date_from_unix(int64_t t)
{
	int64_t d = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	return (rd_date)d;
}

int64_t rd_date_to_unix(rd_date d)
{
	return (int64_t)d * 86400;
}
