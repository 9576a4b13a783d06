# Dates as people write them (flows/dates.py): why one was refused.

rejected-bad-date = Den dato kunne jeg ikke læse. Skriv den fx sådan: { $example } – eller “i morgen”, “på tirsdag”, “om 2 uger” eller “uge 50”.
rejected-needs-day = Hvilken dag? Skriv hele datoen, fx { $example }.
rejected-no-such-date = Den { $day }. { $month ->
    [1] januar
    [2] februar
    [3] marts
    [4] april
    [5] maj
    [6] juni
    [7] juli
    [8] august
    [9] september
    [10] oktober
    [11] november
   *[12] december
} findes ikke; den måned har højst { $days } dage. Skriv en anden dato.
rejected-weekday-mismatch = { DATETIME($on, dateStyle: "long") } er en { $weekday ->
    [1] mandag
    [2] tirsdag
    [3] onsdag
    [4] torsdag
    [5] fredag
    [6] lørdag
   *[7] søndag
}, ikke en { $typed ->
    [1] mandag
    [2] tirsdag
    [3] onsdag
    [4] torsdag
    [5] fredag
    [6] lørdag
   *[7] søndag
}. Skriv datoen igen, så jeg ved, hvilken dag I mener.
rejected-past-date = Den dato er allerede gået: { DATETIME($on, dateStyle: "full") }. Er det den, I mener? Ellers skriv en ny dato.
rejected-bad-time = Det klokkeslæt findes ikke. Skriv det fx sådan: 3. marts kl. 14.30
past-date-keep = Ja, den dato
