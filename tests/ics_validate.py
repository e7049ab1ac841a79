#!/usr/bin/python3
"""Validates rubdown's .ics output with an independent parser (Debian's
python3-icalendar; run with /usr/bin/python3).  Usage:
    ics_validate.py PLAN.ics TITLE.txt
PLAN.ics is written by test_ical_write; TITLE.txt holds the hostile text
that must come back intact in the first DESCRIPTION."""
import sys

import icalendar


def main(plan_path, title_path):
    raw = open(plan_path, 'rb').read()
    title = open(title_path, 'rb').read().decode('utf-8')
    assert raw.endswith(b'\r\n'), 'lines end in CRLF'
    for line in raw.split(b'\r\n'):
        assert len(line) <= 75, 'line longer than 75 octets: %r' % line[:80]
        assert b'\n' not in line and b'\r' not in line, 'bare line break'
    raw.decode('utf-8')  # folding kept UTF-8 whole
    cal = icalendar.Calendar.from_ical(raw)
    assert cal.get('VERSION') == '2.0'
    assert 'rubdown' in str(cal.get('PRODID'))
    assert len(cal.walk('VTIMEZONE')) == 1
    events = cal.walk('VEVENT')
    assert len(events) == 3, 'one VEVENT per appointment, got %d' % len(events)
    uids = set()
    for ev in events:
        for key in ('UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY', 'DESCRIPTION', 'CATEGORIES'):
            assert key in ev, 'VEVENT without ' + key
        assert ev.decoded('DTEND') > ev.decoded('DTSTART')
        uids.add(str(ev['UID']))
        cats = ev['CATEGORIES']
        cats = cats.cats if hasattr(cats, 'cats') else cats
        assert 'massage' in [str(c) for c in cats], cats
        assert ev.errors == [] if hasattr(ev, 'errors') else True
    assert len(uids) == 3
    first = events[0]
    assert str(first['SUMMARY']) == 'Deep tissue massage, 60 min'
    assert title in str(first['DESCRIPTION']), 'title did not survive'
    start = first.decoded('DTSTART')
    assert start.tzinfo is not None and start.hour == 17 and start.minute == 30
    assert start.utcoffset().total_seconds() == 3600  # CET on 2026-03-26
    assert len(first.walk('VALARM')) == 1
    print('ok: %d events validated by python3-icalendar %s' % (len(events), icalendar.__version__))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
