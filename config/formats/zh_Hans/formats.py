"""Where the federation's pages differ from Django's zh_Hans format (everything not set here
is Django's): amounts grouped by thousands with a comma (¥8,000.00), and the date and time
fields' values in ISO 8601, which the browser's date inputs read."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# A form's date and time fields render their value in the first input format, and the
# browser's date and datetime-local inputs read only ISO 8601: with Django's "2026/12/07" first,
# a field's default of today showed as an empty field. Parsing still accepts all of them.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%n月%j日",  # '2016年9月5日'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # '2016-09-05T20:45', what <input type="datetime-local"> sends and reads
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y/%m/%d %H:%M",  # '2016/09/05 20:45'
    "%Y年%n月%j日 %H:%M",  # '2016年9月5日 14:45'
    "%Y/%m/%d %H:%M:%S",  # '2016/09/05 20:45:29'
    "%Y-%m-%d %H:%M:%S",  # '2016-09-05 20:45:29'
    "%Y年%n月%j日 %H:%M:%S",  # '2016年9月5日 20:45:29'
    "%Y/%m/%d %H:%M:%S.%f",  # '2016/09/05 20:45:29.000200'
    "%Y-%m-%d %H:%M:%S.%f",  # '2016-09-05 20:45:29.000200'
    "%Y年%n月%j日 %H:%M:%S.%f",  # '2016年9月5日 20:45:29.000200'
]
