# Dates as people write them (flows/dates.py): why one was refused.

rejected-bad-date = I could not read that date. Write it like this, for example: { $example } – or “tomorrow”, “on Tuesday”, “in 2 weeks” or “week 50”.
rejected-needs-day = Which day? Write the whole date, for example { $example }.
rejected-no-such-date = There is no { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $day }: that month has at most { $days } days. Write another date.
rejected-weekday-mismatch = { DATETIME($on, dateStyle: "long") } is a { $weekday ->
    [1] Monday
    [2] Tuesday
    [3] Wednesday
    [4] Thursday
    [5] Friday
    [6] Saturday
   *[7] Sunday
}, not a { $typed ->
    [1] Monday
    [2] Tuesday
    [3] Wednesday
    [4] Thursday
    [5] Friday
    [6] Saturday
   *[7] Sunday
}. Write the date again so I know which day you mean.
rejected-past-date = That date has passed: { DATETIME($on, dateStyle: "full") }. Is it the one you mean? If not, write another date.
rejected-bad-time = There is no such time of day. Write it like this, for example: March 3 at 14:30
past-date-keep = Yes, that date
