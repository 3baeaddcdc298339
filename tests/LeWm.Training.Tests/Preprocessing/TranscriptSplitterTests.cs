using System.Buffers;
using LeWm.Training.Preprocessing;

namespace LeWm.Training.Tests.Preprocessing;

public sealed class TranscriptSplitterTests
{
    private static readonly SearchValues<char> s_sentenceEnds = SearchValues.Create(".!?।॥");

    private static TimeSpan[] Seconds(params double[] values) => [.. values.Select(TimeSpan.FromSeconds)];

    [Fact]
    public void SplitAfter_DandaQuestionAndQuotes_SplitsOnlyAtWordEnds()
    {
        List<string> units = TranscriptSplitter.SplitAfter("राम घर गया। क्या तुम आओगे? उसने कहा \"हाँ!\" कीमत 3.5 रुपये है॥", s_sentenceEnds);

        Assert.Equal(["राम घर गया।", "क्या तुम आओगे?", "उसने कहा \"हाँ!\"", "कीमत 3.5 रुपये है॥"], units);
    }

    [Fact]
    public void SplitAfter_LonePunctuation_JoinsThePieceBefore()
    {
        Assert.Equal(["एक है ।", "दो"], TranscriptSplitter.SplitAfter("एक है । दो", s_sentenceEnds));
    }

    [Fact]
    public void Letters_CountsDevanagariVowelSignsButNotSpacesOrPunctuation()
    {
        Assert.Equal(6, TranscriptSplitter.Letters("नमस्ते।"));
        Assert.Equal(4, TranscriptSplitter.Letters("ab, 12!"));
    }

    [Fact]
    public void TrySplit_OneSegment_KeepsTheWholeText()
    {
        Assert.True(TranscriptSplitter.TrySplit("कुछ भी", Seconds(5), out IReadOnlyList<string>? pieces, out _));
        Assert.Equal(["कुछ भी"], pieces);
    }

    [Fact]
    public void TrySplit_AsManySentencesAsSegments_PairsThemInOrder()
    {
        Assert.True(TranscriptSplitter.TrySplit("अअअअ अअअअ। बबबब बबबब बब। ककक।", Seconds(4, 5, 1.5), out IReadOnlyList<string>? pieces, out _));
        Assert.Equal(["अअअअ अअअअ।", "बबबब बबबब बब।", "ककक।"], pieces);
    }

    [Fact]
    public void TrySplit_MoreSentencesThanSegments_GroupsThemByDuration()
    {
        // 10 letters per second: 2 + 3 s in the first segment, 4 s in the second, 1 + 2 s in the third.
        string text = "अअअअअ अअअअअ अअअअअ अअअअअ। बबबबब बबबबब बबबबब बबबबब बबबबब बबबबब। कककक कककक कककक कककक कककक कककक कककक कककक कककक कककक।"
            + " ददददद ददददद। ईईईईई ईईईईई ईईईईई ईईईईई।";

        Assert.True(TranscriptSplitter.TrySplit(text, Seconds(5, 4, 3), out IReadOnlyList<string>? pieces, out _));

        Assert.Equal(3, pieces.Count);
        Assert.StartsWith("अअअअअ", pieces[0], StringComparison.Ordinal);
        Assert.EndsWith("बबबबब।", pieces[0], StringComparison.Ordinal);
        Assert.StartsWith("कककक", pieces[1], StringComparison.Ordinal);
        Assert.EndsWith("कककक।", pieces[1], StringComparison.Ordinal);
        Assert.StartsWith("ददददद", pieces[2], StringComparison.Ordinal);
        Assert.Equal(text, string.Join(' ', pieces));
    }

    [Fact]
    public void TrySplit_FewerSentencesThanSegments_FallsBackToClauses()
    {
        Assert.True(TranscriptSplitter.TrySplit("अअअअ अअअअ, बबबब बबबब।", Seconds(3, 3), out IReadOnlyList<string>? pieces, out _));
        Assert.Equal(["अअअअ अअअअ,", "बबबब बबबब।"], pieces);
    }

    [Fact]
    public void TrySplit_TooFewPieces_Fails()
    {
        Assert.False(TranscriptSplitter.TrySplit("एक दो तीन चार।", Seconds(3, 3), out _, out string? problem));
        Assert.Equal("its transcript has only 1 sentence(s) and clause(s) to share among 2 segments", problem);
    }

    [Fact]
    public void TrySplit_ImplausibleSpeakingRate_Fails()
    {
        Assert.False(TranscriptSplitter.TrySplit("अ। बबबबब बबबबब बबबबब बबबबब।", Seconds(5, 5), out _, out string? problem));
        Assert.Contains("segment 1 (5 s) would get 1 of 21 letters", problem, StringComparison.Ordinal);
    }
}
