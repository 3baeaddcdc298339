using System.Globalization;
using System.Text;

namespace LeWm.Inference.Tests.Text;

public sealed class TextNormalizerTests
{
    // Written out independently of the normaliser's table: "number word", one per line.
    private static readonly string[] s_hindiBelowHundred =
    [
        "0 शून्य", "1 एक", "2 दो", "3 तीन", "4 चार", "5 पाँच", "6 छह", "7 सात", "8 आठ", "9 नौ",
        "10 दस", "11 ग्यारह", "12 बारह", "13 तेरह", "14 चौदह", "15 पंद्रह", "16 सोलह", "17 सत्रह", "18 अठारह", "19 उन्नीस",
        "20 बीस", "21 इक्कीस", "22 बाईस", "23 तेईस", "24 चौबीस", "25 पच्चीस", "26 छब्बीस", "27 सत्ताईस", "28 अट्ठाईस", "29 उनतीस",
        "30 तीस", "31 इकतीस", "32 बत्तीस", "33 तैंतीस", "34 चौंतीस", "35 पैंतीस", "36 छत्तीस", "37 सैंतीस", "38 अड़तीस", "39 उनतालीस",
        "40 चालीस", "41 इकतालीस", "42 बयालीस", "43 तैंतालीस", "44 चौवालीस", "45 पैंतालीस", "46 छियालीस", "47 सैंतालीस", "48 अड़तालीस", "49 उनचास",
        "50 पचास", "51 इक्यावन", "52 बावन", "53 तिरपन", "54 चौवन", "55 पचपन", "56 छप्पन", "57 सत्तावन", "58 अट्ठावन", "59 उनसठ",
        "60 साठ", "61 इकसठ", "62 बासठ", "63 तिरसठ", "64 चौंसठ", "65 पैंसठ", "66 छियासठ", "67 सड़सठ", "68 अड़सठ", "69 उनहत्तर",
        "70 सत्तर", "71 इकहत्तर", "72 बहत्तर", "73 तिहत्तर", "74 चौहत्तर", "75 पचहत्तर", "76 छिहत्तर", "77 सतहत्तर", "78 अठहत्तर", "79 उनासी",
        "80 अस्सी", "81 इक्यासी", "82 बयासी", "83 तिरासी", "84 चौरासी", "85 पचासी", "86 छियासी", "87 सत्तासी", "88 अट्ठासी", "89 नवासी",
        "90 नब्बे", "91 इक्यानवे", "92 बानवे", "93 तिरानवे", "94 चौरानवे", "95 पचानवे", "96 छियानवे", "97 सत्तानवे", "98 अट्ठानवे", "99 निन्यानवे",
    ];

    // Test data written in source may hold precomposed nukta letters; the normaliser's output is NFC.
    private static string Nfc(string text) => text.Normalize(NormalizationForm.FormC);

    public static TheoryData<string> TrickyInputs =>
    [
        "  कमरा   21 में\n\t“3” लोग…  ",
        "27/11/2026 को 10:30 बजे 50% छूट, कुल ₹1,00,000.50 — फ़ोन 9876543210",
        "-5 से ९९ तक, 007 और १२,३४,५६,७८९",
        "5km, 10वीं, (12), x-3, 1,2,3 और 10,20,30",
        "e\u0301 क\u093C \u0958 a\u0007\u0301",
        "５０％ ，！ 「x」",
        "1.5.10 2026-11-27 25:61 3.14.15",
        "3\u093C 7\u0301",
        "",
        "   ",
    ];

    [Fact]
    public void Version_IsHindiNormaliserVersion()
    {
        Assert.Equal("lewm-hi-2", TextNormalizer.Version);
    }

    [Fact]
    public void Normalize_EveryNumberBelowHundred_MatchesWrittenOutHindiTable()
    {
        Assert.Equal(100, s_hindiBelowHundred.Length);
        for (int n = 0; n < 100; n++)
        {
            string[] parts = s_hindiBelowHundred[n].Split(' ');
            Assert.Equal(n.ToString(CultureInfo.InvariantCulture), parts[0]);
            Assert.Equal(Nfc(parts[1]), TextNormalizer.Normalize(n.ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void Normalize_NumbersBelowHundred_AreHundredDistinctSingleWords()
    {
        string[] words = [.. Enumerable.Range(0, 100).Select(n => TextNormalizer.Normalize(n.ToString(CultureInfo.InvariantCulture)))];

        Assert.Equal(100, words.Distinct(StringComparer.Ordinal).Count());
        Assert.All(words, w => Assert.DoesNotContain(' ', w));
    }

    [Theory]
    [InlineData("21", "इक्कीस")]
    [InlineData("45", "पैंतालीस")]
    [InlineData("99", "निन्यानवे")]
    [InlineData("100", "एक सौ")]
    [InlineData("101", "एक सौ एक")]
    [InlineData("110", "एक सौ दस")]
    [InlineData("999", "नौ सौ निन्यानवे")]
    [InlineData("1000", "एक हज़ार")]
    [InlineData("1001", "एक हज़ार एक")]
    [InlineData("1,000", "एक हज़ार")]
    [InlineData("2026", "दो हज़ार छब्बीस")]
    [InlineData("10000", "दस हज़ार")]
    [InlineData("99999", "निन्यानवे हज़ार नौ सौ निन्यानवे")]
    [InlineData("100000", "एक लाख")]
    [InlineData("1,00,000", "एक लाख")]
    [InlineData("1,000,000", "दस लाख")]
    [InlineData("10,00,000", "दस लाख")]
    [InlineData("2,50,075", "दो लाख पचास हज़ार पचहत्तर")]
    [InlineData("1,00,00,000", "एक करोड़")]
    [InlineData("12,34,56,789", "बारह करोड़ चौंतीस लाख छप्पन हज़ार सात सौ नवासी")]
    [InlineData("123,456,789", "बारह करोड़ चौंतीस लाख छप्पन हज़ार सात सौ नवासी")]
    [InlineData("123456789", "बारह करोड़ चौंतीस लाख छप्पन हज़ार सात सौ नवासी")]
    [InlineData("999999999", "निन्यानवे करोड़ निन्यानवे लाख निन्यानवे हज़ार नौ सौ निन्यानवे")]
    [InlineData("1,00,00,00,000", "एक सौ करोड़")]
    [InlineData("10,00,00,00,000", "एक हज़ार करोड़")]
    [InlineData("1,000,000,000", "एक सौ करोड़")]
    public void Normalize_Integer_SpelledWithIndianGrouping(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("3.5", "तीन दशमलव पाँच")]
    [InlineData("0.25", "शून्य दशमलव दो पाँच")]
    [InlineData("3.14", "तीन दशमलव एक चार")]
    [InlineData("1,234.50", "एक हज़ार दो सौ चौंतीस दशमलव पाँच शून्य")]
    [InlineData("कीमत 2.5 रुपये", "कीमत दो दशमलव पाँच रुपये")]
    [InlineData("वाक्य 5.", "वाक्य पाँच.")]
    public void Normalize_Decimal_ReadsFractionDigitByDigit(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("-5", "ऋण पाँच")]
    [InlineData("\u22127", "ऋण सात")]
    [InlineData("तापमान -3.5 डिग्री", "तापमान ऋण तीन दशमलव पाँच डिग्री")]
    [InlineData("(-1,000)", "(ऋण एक हज़ार)")]
    [InlineData("10-5", "दस-पाँच")]
    [InlineData("COVID-19", "COVID-उन्नीस")]
    public void Normalize_MinusSign_NegativeOnlyAtTokenStart(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("50%", "पचास प्रतिशत")]
    [InlineData("50 %", "पचास प्रतिशत")]
    [InlineData("12.5% ब्याज", "बारह दशमलव पाँच प्रतिशत ब्याज")]
    [InlineData("-2%", "ऋण दो प्रतिशत")]
    [InlineData("５０％", "पचास प्रतिशत")]
    public void Normalize_Percent_ReadAsPratishat(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("10:30", "दस बजकर तीस मिनट")]
    [InlineData("10:00", "दस बजे")]
    [InlineData("7:05", "सात बजकर पाँच मिनट")]
    [InlineData("23:59:30", "तेईस बजकर उनसठ मिनट तीस सेकंड")]
    [InlineData("6:00:15", "छह बजकर पंद्रह सेकंड")]
    [InlineData("मिलेंगे 9:45 पर", "मिलेंगे नौ बजकर पैंतालीस मिनट पर")]
    [InlineData("25:61", "पच्चीस:इकसठ")]
    [InlineData("2:1", "दो:एक")]
    public void Normalize_ClockTime_ReadAsHoursAndMinutes(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("27/11/2026", "सत्ताईस नवंबर दो हज़ार छब्बीस")]
    [InlineData("27-11-2026", "सत्ताईस नवंबर दो हज़ार छब्बीस")]
    [InlineData("27.11.2026", "सत्ताईस नवंबर दो हज़ार छब्बीस")]
    [InlineData("2026-11-27", "सत्ताईस नवंबर दो हज़ार छब्बीस")]
    [InlineData("01/02/1998", "एक फ़रवरी उन्नीस सौ अट्ठानवे")]
    [InlineData("15.8.1947", "पंद्रह अगस्त उन्नीस सौ सैंतालीस")]
    [InlineData("1/1/2000", "एक जनवरी दो हज़ार")]
    [InlineData("5/6/26", "पाँच जून छब्बीस")]
    [InlineData("जन्म 2/10/1869 को", "जन्म दो अक्टूबर अठारह सौ उनहत्तर को")]
    [InlineData("32/13/2026", "बत्तीस/तेरह/दो हज़ार छब्बीस")]
    [InlineData("1.5.10", "एक दशमलव पाँच.दस")]
    public void Normalize_Date_ReadAsDayMonthNameYear(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("9876543210", "नौ आठ सात छह पाँच चार तीन दो एक शून्य")]
    [InlineData("फ़ोन 1234567890 पर", "फ़ोन एक दो तीन चार पाँच छह सात आठ नौ शून्य पर")]
    [InlineData("007", "शून्य शून्य सात")]
    [InlineData("0", "शून्य")]
    public void Normalize_LongOrZeroLedDigitString_ReadDigitByDigit(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("१२३", "एक सौ तेईस")]
    [InlineData("४५", "पैंतालीस")]
    [InlineData("२७/११/२०२६", "सत्ताईस नवंबर दो हज़ार छब्बीस")]
    [InlineData("१,००,०००", "एक लाख")]
    [InlineData("३.५", "तीन दशमलव पाँच")]
    [InlineData("९८७६५४३२१०", "नौ आठ सात छह पाँच चार तीन दो एक शून्य")]
    public void Normalize_DevanagariDigits_SpelledLikeAsciiDigits(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("5km", "पाँच km")]
    [InlineData("10वीं कक्षा", "दसवीं कक्षा")]
    [InlineData("कक्षा10", "कक्षा दस")]
    [InlineData("(12)", "(बारह)")]
    [InlineData("1,2,3", "एक,दो,तीन")]
    [InlineData("10,20,30", "दस,बीस,तीस")]
    public void Normalize_NumberNextToText_SpacedOrJoinedByRule(string input, string expected)
    {
        Assert.Equal(Nfc(expected), TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("“नमस्ते”", "\"नमस्ते\"")]
    [InlineData("„hi‟ «oui»", "\"hi\" \"oui\"")]
    [InlineData("‘राम’ का ′", "'राम' का '")]
    [InlineData("राम—श्याम", "राम-श्याम")]
    [InlineData("a–b ‐ c ― d", "a-b - c - d")]
    [InlineData("रुको…", "रुको...")]
    [InlineData("ＡＢＣ，！？", "ABC,!?")]
    [InlineData("नमस्ते। फिर मिलेंगे॥", "नमस्ते। फिर मिलेंगे॥")]
    public void Normalize_Punctuation_MappedToAscii(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("  पहली\nपंक्ति।  \r\n", "पहली पंक्ति।")]
    [InlineData("a\u00A0\u3000\tb", "a b")]
    [InlineData("a\u0007b", "ab")]
    [InlineData("सॉ\u00ADफ्ट\u200B\uFEFF\u2060", "सॉफ्ट")]
    [InlineData("क्\u200Dष", "क्\u200Dष")]
    [InlineData("\u200B ", "")]
    public void Normalize_WhiteSpaceAndInvisibles_CollapsedOrRemoved(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Normalize_DecomposedOrPrecomposed_ReturnsNfc()
    {
        Assert.Equal("\u00E9", TextNormalizer.Normalize("e\u0301"));
        Assert.Equal("\u0915\u093C", TextNormalizer.Normalize("\u0958")); // क़ has no NFC composite
        Assert.Equal("\u00E9", TextNormalizer.Normalize("e\u0007\u0301")); // the removed control no longer separates them
    }

    [Fact]
    public void Normalize_NumberBeforeCombiningMark_MarkDoesNotComposeIntoWord()
    {
        // न + nukta would compose to ऩ; the space keeps the number's word intact.
        Assert.Equal("तीन \u093C", TextNormalizer.Normalize("3\u093C"));
    }

    [Theory]
    [MemberData(nameof(TrickyInputs))]
    public void Normalize_Twice_SameAsOnce(string input)
    {
        string once = TextNormalizer.Normalize(input);

        Assert.Equal(once, TextNormalizer.Normalize(once));
        Assert.True(once.IsNormalized(NormalizationForm.FormC));
        Assert.DoesNotContain(once, c => c is >= '0' and <= '9' or >= '\u0966' and <= '\u096F');
        Assert.DoesNotContain("  ", once, StringComparison.Ordinal);
        Assert.Equal(once.Trim(), once);
    }

    [Fact]
    public void Normalize_AlreadyNormal_ReturnsSameInstance()
    {
        string text = "नमस्ते दुनिया।";

        Assert.Same(text, TextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("tr-TR")]
    [InlineData("hi-IN")]
    [InlineData("ar-SA")]
    public void Normalize_AnyCurrentCulture_SameResult(string culture)
    {
        const string Text = "27/11/2026, 10:30, 1,234.5 और 50%";
        string invariant = TextNormalizer.Normalize(Text);
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal(invariant, TextNormalizer.Normalize(Text));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Normalize_Utf8Bytes_DecodesAndNormalizes()
    {
        Assert.Equal("पाँच", TextNormalizer.Normalize(Encoding.UTF8.GetBytes(" 5 ")));
    }

    [Fact]
    public void Normalize_InvalidUtf8_ThrowsWithOffset()
    {
        var e = Assert.Throws<ArgumentException>(() => TextNormalizer.Normalize([0x41, 0xFF, 0x42]));

        Assert.Equal("utf8", e.ParamName);
        Assert.Contains("offset 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TextNormalizer.Normalize((string)null!));
    }
}
