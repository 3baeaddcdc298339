using System.Globalization;
using System.Text;

namespace LeWm.Inference;

/// <summary>
/// Spells the numbers of a text (ASCII and Devanagari digits) as Hindi words in Devanagari: the number rules of
/// <see cref="TextNormalizer"/>. Stateless and thread-safe.
/// </summary>
internal static class HindiNumberSpeller
{
    /// <summary>Plain digit runs longer than this are read digit by digit (phone and account numbers).</summary>
    private const int MaxDigitsReadAsNumber = 9;

    /// <summary>Numbers written with group separators are read as numbers up to this many digits.</summary>
    private const int MaxGroupedDigits = 18;

    private const long Crore = 10_000_000;
    private const long Lakh = 100_000;

    private const string Minus = "ऋण";
    private const string DecimalPoint = "दशमलव";
    private const string Percent = "प्रतिशत";
    private const string Hundred = "सौ";

    // The nukta letters (ज़, ड़, फ़) are written as letter + U+093C, their NFC form.
    private const string Thousand = "हज\u093Cार";
    private const string LakhWord = "लाख";
    private const string CroreWord = "करोड\u093C";
    private const string OClock = "बजे";
    private const string PastTheHour = "बजकर";
    private const string Minutes = "मिनट";
    private const string Seconds = "सेकंड";

    // Every number below one hundred has its own word in Hindi; index = value.
    private static readonly string[] s_belowHundred =
    [
        "शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ",
        "दस", "ग्यारह", "बारह", "तेरह", "चौदह", "पंद्रह", "सोलह", "सत्रह", "अठारह", "उन्नीस",
        "बीस", "इक्कीस", "बाईस", "तेईस", "चौबीस", "पच्चीस", "छब्बीस", "सत्ताईस", "अट्ठाईस", "उनतीस",
        "तीस", "इकतीस", "बत्तीस", "तैंतीस", "चौंतीस", "पैंतीस", "छत्तीस", "सैंतीस", "अड\u093Cतीस", "उनतालीस",
        "चालीस", "इकतालीस", "बयालीस", "तैंतालीस", "चौवालीस", "पैंतालीस", "छियालीस", "सैंतालीस", "अड\u093Cतालीस", "उनचास",
        "पचास", "इक्यावन", "बावन", "तिरपन", "चौवन", "पचपन", "छप्पन", "सत्तावन", "अट्ठावन", "उनसठ",
        "साठ", "इकसठ", "बासठ", "तिरसठ", "चौंसठ", "पैंसठ", "छियासठ", "सड\u093Cसठ", "अड\u093Cसठ", "उनहत्तर",
        "सत्तर", "इकहत्तर", "बहत्तर", "तिहत्तर", "चौहत्तर", "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर", "उनासी",
        "अस्सी", "इक्यासी", "बयासी", "तिरासी", "चौरासी", "पचासी", "छियासी", "सत्तासी", "अट्ठासी", "नवासी",
        "नब्बे", "इक्यानवे", "बानवे", "तिरानवे", "चौरानवे", "पचानवे", "छियानवे", "सत्तानवे", "अट्ठानवे", "निन्यानवे",
    ];

    // Index = month - 1.
    private static readonly string[] s_months =
    [
        "जनवरी", "फ\u093Cरवरी", "मार्च", "अप्रैल", "मई", "जून",
        "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर",
    ];

    /// <summary>Returns the value of an ASCII or Devanagari digit, or -1 for any other character.</summary>
    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= '\u0966' and <= '\u096F' => c - '\u0966',
        _ => -1,
    };

    /// <summary>Returns whether <paramref name="c"/> is an ASCII or Devanagari digit.</summary>
    private static bool IsDigit(char c) => DigitValue(c) >= 0;

    /// <summary>Returns whether <paramref name="text"/> holds an ASCII or Devanagari digit.</summary>
    public static bool ContainsDigit(ReadOnlySpan<char> text) =>
        text.IndexOfAnyInRange('0', '9') >= 0 || text.IndexOfAnyInRange('\u0966', '\u096F') >= 0;

    /// <summary>
    /// Rewrites every number of <paramref name="text"/> in words. The text is already cleaned: NFC, single spaces,
    /// trimmed, dashes mapped to '-', fullwidth forms mapped to ASCII.
    /// </summary>
    public static string SpellNumbers(string text)
    {
        var output = new StringBuilder(text.Length + (text.Length / 2) + 16);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            bool negative = c == '-' && i + 1 < text.Length && IsDigit(text[i + 1]) && StartsToken(text, i);
            if (!negative && !IsDigit(c))
            {
                output.Append(c);
                i++;
                continue;
            }

            if (output.Length > 0 && IsLetterOrMark(output[^1]))
            {
                output.Append(' ');
            }

            i = negative ? AppendNegative(text, i + 1, output) : AppendNumber(text, i, output);
            if (i < text.Length && NeedsSpaceAfterNumber(text[i]))
            {
                output.Append(' ');
            }
        }

        return output.ToString();
    }

    /// <summary>Appends the words of <paramref name="value"/> (non-negative) with Indian grouping.</summary>
    private static void AppendInteger(long value, StringBuilder output)
    {
        if (value < 100)
        {
            output.Append(s_belowHundred[(int)value]);
            return;
        }

        int start = output.Length;
        if (value >= Crore)
        {
            // Above 99 crore the count of crores is itself read as a number ("एक हज़ार करोड़").
            AppendInteger(value / Crore, output);
            output.Append(' ').Append(CroreWord);
        }

        long rest = value % Crore;
        AppendPart((int)(rest / Lakh), LakhWord, output, start);
        AppendPart((int)(rest / 1000 % 100), Thousand, output, start);
        AppendPart((int)(rest / 100 % 10), Hundred, output, start);
        AppendPart((int)(rest % 100), null, output, start);
    }

    private static void AppendPart(int count, string? unit, StringBuilder output, int start)
    {
        if (count == 0)
        {
            return;
        }

        if (output.Length > start)
        {
            output.Append(' ');
        }

        output.Append(s_belowHundred[count]);
        if (unit is not null)
        {
            output.Append(' ').Append(unit);
        }
    }

    /// <summary>'-' starts a negative number at the start of the text or after a space or an opening bracket or quote.</summary>
    private static bool StartsToken(string text, int index) =>
        index == 0 || text[index - 1] is ' ' or '(' or '[' or '{' or '"' or '\'';

    private static bool IsLetterOrMark(char c) => char.IsLetter(c) || IsMark(c);

    private static bool IsMark(char c) => char.GetUnicodeCategory(c)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>
    /// A Devanagari letter right after a number is a suffix and joins the word ("10वीं" → "दसवीं"); any other letter,
    /// and any combining mark (which must not combine with the number's last letter), is set off by a space.
    /// </summary>
    private static bool NeedsSpaceAfterNumber(char next) =>
        IsMark(next) || (char.IsLetter(next) && next is < '\u0900' or > '\u097F');

    private static int DigitRun(string text, int start)
    {
        int end = start;
        while (end < text.Length && IsDigit(text[end]))
        {
            end++;
        }

        return end - start;
    }

    /// <summary>Reads the value of the digits <c>text[start..(start + length)]</c>, skipping commas.</summary>
    private static long ValueOf(string text, int start, int length)
    {
        long value = 0;
        for (int k = start; k < start + length; k++)
        {
            int digit = DigitValue(text[k]);
            if (digit >= 0)
            {
                value = (value * 10) + digit;
            }
        }

        return value;
    }

    private static void AppendDigits(string text, int start, int end, StringBuilder output)
    {
        bool first = true;
        for (int k = start; k < end; k++)
        {
            int digit = DigitValue(text[k]);
            if (digit < 0)
            {
                continue;
            }

            if (!first)
            {
                output.Append(' ');
            }

            output.Append(s_belowHundred[digit]);
            first = false;
        }
    }

    private static int AppendNegative(string text, int start, StringBuilder output)
    {
        output.Append(Minus).Append(' ');
        return AppendQuantity(text, start, output);
    }

    private static int AppendNumber(string text, int start, StringBuilder output)
    {
        if (TryAppendDate(text, start, output, out int end) || TryAppendTime(text, start, output, out end))
        {
            return end;
        }

        return AppendQuantity(text, start, output);
    }

    /// <summary>An integer (grouped or plain), then an optional decimal fraction, then an optional percent sign.</summary>
    private static int AppendQuantity(string text, int start, StringBuilder output)
    {
        int run = DigitRun(text, start);
        int end = GroupedEnd(text, start, run);
        if (end > start + run)
        {
            int digits = run + CountDigits(text, start + run, end);
            if (digits <= MaxGroupedDigits)
            {
                AppendInteger(ValueOf(text, start, end - start), output);
            }
            else
            {
                AppendDigits(text, start, end, output);
            }
        }
        else
        {
            end = start + run;
            bool leadingZero = run > 1 && DigitValue(text[start]) == 0;
            if (run > MaxDigitsReadAsNumber || leadingZero)
            {
                AppendDigits(text, start, end, output);
            }
            else
            {
                AppendInteger(ValueOf(text, start, run), output);
            }
        }

        if (end + 1 < text.Length && text[end] == '.' && IsDigit(text[end + 1]))
        {
            int fraction = DigitRun(text, end + 1);
            output.Append(' ').Append(DecimalPoint).Append(' ');
            AppendDigits(text, end + 1, end + 1 + fraction, output);
            end += 1 + fraction;
        }

        if (end < text.Length && text[end] == '%')
        {
            output.Append(' ').Append(Percent);
            end++;
        }
        else if (end + 1 < text.Length && text[end] == ' ' && text[end + 1] == '%')
        {
            output.Append(' ').Append(Percent);
            end += 2;
        }

        return end;
    }

    private static int CountDigits(string text, int start, int end)
    {
        int count = 0;
        for (int k = start; k < end; k++)
        {
            if (IsDigit(text[k]))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Returns the end of a number written with comma group separators starting at <paramref name="start"/>, or
    /// <c>start + firstRun</c> when it has none. Accepted: Western groups of three ("1,234,567") and Indian groups of
    /// two closed by a group of three ("12,34,567"); the first group has 1–3 digits (1–2 before an Indian group).
    /// </summary>
    private static int GroupedEnd(string text, int start, int firstRun)
    {
        int plainEnd = start + firstRun;
        if (firstRun > 3)
        {
            return plainEnd;
        }

        // Walk the groups, remembering the end of the longest valid prefix.
        int position = plainEnd;
        int bestEnd = plainEnd;
        bool sawTwo = false;
        bool sawThree = false;
        while (position + 1 < text.Length && text[position] == ',' && IsDigit(text[position + 1]))
        {
            int group = DigitRun(text, position + 1);
            if (group == 2 && !sawThree)
            {
                sawTwo = true;
            }
            else if (group == 3)
            {
                if (sawTwo && firstRun > 2)
                {
                    break;
                }

                sawThree = true;
            }
            else
            {
                break;
            }

            position += 1 + group;
            if (group == 3)
            {
                bestEnd = position;
                if (sawTwo)
                {
                    break; // an Indian number ends with its group of three
                }
            }
        }

        return bestEnd;
    }

    /// <summary>
    /// Reads a date: day/month/year with '/', '-' or '.' (the same twice; day 1–31, month 1–12, year of two or four
    /// digits), or ISO year-month-day ("2026-11-27"). Spoken as day, month name, year.
    /// </summary>
    private static bool TryAppendDate(string text, int start, StringBuilder output, out int end)
    {
        end = start;
        int first = DigitRun(text, start);
        int day;
        int month;
        int yearStart;
        int yearDigits;
        if (first == 4)
        {
            // ISO 8601: YYYY-MM-DD.
            int monthStart = start + 5;
            int dayStart = start + 8;
            if (dayStart + 2 > text.Length || text[start + 4] != '-' || text[start + 7] != '-'
                || DigitRun(text, monthStart) != 2 || DigitRun(text, dayStart) != 2)
            {
                return false;
            }

            month = (int)ValueOf(text, monthStart, 2);
            day = (int)ValueOf(text, dayStart, 2);
            yearStart = start;
            yearDigits = 4;
            end = dayStart + 2;
        }
        else if (first is 1 or 2)
        {
            int separator = start + first;
            if (separator + 1 >= text.Length || text[separator] is not ('/' or '-' or '.'))
            {
                return false;
            }

            int monthStart = separator + 1;
            int monthDigits = DigitRun(text, monthStart);
            int secondSeparator = monthStart + monthDigits;
            if (monthDigits is not (1 or 2) || secondSeparator + 1 >= text.Length || text[secondSeparator] != text[separator])
            {
                return false;
            }

            yearStart = secondSeparator + 1;
            yearDigits = DigitRun(text, yearStart);
            // Two-digit years only with '/', so that version numbers ("1.5.10") and ranges stay numbers.
            if (yearDigits is not (2 or 4) || (yearDigits == 2 && text[separator] != '/'))
            {
                return false;
            }

            day = (int)ValueOf(text, start, first);
            month = (int)ValueOf(text, monthStart, monthDigits);
            end = yearStart + yearDigits;
        }
        else
        {
            return false;
        }

        if (day is < 1 or > 31 || month is < 1 or > 12)
        {
            end = start;
            return false;
        }

        output.Append(s_belowHundred[day]).Append(' ').Append(s_months[month - 1]).Append(' ');
        AppendYear((int)ValueOf(text, yearStart, yearDigits), yearDigits, output);
        return true;
    }

    /// <summary>Years 1100–1999 are read in hundreds ("उन्नीस सौ अट्ठानवे"); other years as numbers.</summary>
    private static void AppendYear(int year, int digits, StringBuilder output)
    {
        if (digits == 4 && year is >= 1100 and <= 1999)
        {
            output.Append(s_belowHundred[year / 100]).Append(' ').Append(Hundred);
            if (year % 100 != 0)
            {
                output.Append(' ').Append(s_belowHundred[year % 100]);
            }

            return;
        }

        AppendInteger(year, output);
    }

    /// <summary>
    /// Reads a clock time H:MM or H:MM:SS (hour 0–23, minutes and seconds 00–59): "H बजे" on the hour, else
    /// "H बजकर M मिनट [S सेकंड]" with zero parts left out.
    /// </summary>
    private static bool TryAppendTime(string text, int start, StringBuilder output, out int end)
    {
        end = start;
        int hourDigits = DigitRun(text, start);
        int colon = start + hourDigits;
        if (hourDigits is not (1 or 2) || colon + 1 >= text.Length || text[colon] != ':' || DigitRun(text, colon + 1) != 2)
        {
            return false;
        }

        int hour = (int)ValueOf(text, start, hourDigits);
        int minute = (int)ValueOf(text, colon + 1, 2);
        int stop = colon + 3;
        int second = 0;
        if (stop + 1 < text.Length && text[stop] == ':' && IsDigit(text[stop + 1]))
        {
            if (DigitRun(text, stop + 1) != 2)
            {
                return false;
            }

            second = (int)ValueOf(text, stop + 1, 2);
            stop += 3;
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        output.Append(s_belowHundred[hour]).Append(' ');
        if (minute == 0 && second == 0)
        {
            output.Append(OClock);
        }
        else
        {
            output.Append(PastTheHour);
            if (minute > 0)
            {
                output.Append(' ').Append(s_belowHundred[minute]).Append(' ').Append(Minutes);
            }

            if (second > 0)
            {
                output.Append(' ').Append(s_belowHundred[second]).Append(' ').Append(Seconds);
            }
        }

        end = stop;
        return true;
    }
}
