using LeWm.Training.Data;

namespace LeWm.Training.Tests.Data;

public sealed class ManifestDatasetTests : IDisposable
{
    private readonly SyntheticCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    [Fact]
    public void Load_Corpus_SplitsDisjointNonEmptyAndDeterministic()
    {
        string folder = _corpus.Write(40, speakers: 3);

        ManifestDataset first = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig, options: new ManifestDatasetOptions { ValidationFraction = 0.1 });
        ManifestDataset second = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig, options: new ManifestDatasetOptions { ValidationFraction = 0.1 });

        Assert.Equal(4, first.Validation.Count);
        Assert.Equal(36, first.Training.Count);
        Assert.Empty(first.Training.Select(i => i.Id).Intersect(first.Validation.Select(i => i.Id)));
        Assert.Equal(first.Validation.Select(i => i.Id), second.Validation.Select(i => i.Id));
        Assert.Equal(["voice0", "voice1", "voice2"], first.Speakers.Select(s => s.Name));
        Assert.Equal([0, 1, 2], first.Speakers.Select(s => s.Id));
        Assert.Equal(2, first.Training.Concat(first.Validation).Single(i => i.Id == "utt0005").SpeakerId);
    }

    [Fact]
    public void Load_TwoItems_HoldsOneOut()
    {
        string folder = _corpus.Write(2);

        ManifestDataset dataset = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig);

        Assert.Single(dataset.Training);
        Assert.Single(dataset.Validation);
    }

    [Fact]
    public void Load_Text_IsFramedUtf8Bytes()
    {
        string folder = _corpus.Write(3);

        DatasetItem item = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig).Training[0];

        long[] ids = item.TextIds.ToArray();
        Assert.Equal(257, ids[0]);
        Assert.Equal(258, ids[^1]);
        Assert.Equal(0xE0, ids[1]); // न is E0 A4 A8 in UTF-8
        Assert.Equal(100 * item.Frames, item.Mel.Length);
    }

    [Fact]
    public void Load_ManifestFromOlderPreprocessor_EncodesNormalizedText()
    {
        string folder = _corpus.Write(3);
        string manifest = Path.Combine(folder, Manifest.FileName);
        List<ManifestEntry> entries = [.. Manifest.Read(manifest)];
        entries[0] = entries[0] with { Text = "  कमरा 21 में  “3” लोग " };
        Manifest.Write(manifest, entries);

        ManifestDataset dataset = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig);

        DatasetItem item = dataset.Training.Concat(dataset.Validation).Single(i => i.Id == entries[0].Id);
        Assert.Equal(TextIdEncoder.Encode("कमरा इक्कीस में \"तीन\" लोग", SyntheticCorpus.SmallConfig), item.TextIds.ToArray());
    }

    [Fact]
    public void Load_TextOverMaxBytes_SkipsWithWarning()
    {
        string folder = _corpus.Write(5);
        string manifest = Path.Combine(folder, Manifest.FileName);
        List<ManifestEntry> entries = [.. Manifest.Read(manifest)];
        entries[2] = entries[2] with { Text = new string('x', 2000) };
        Manifest.Write(manifest, entries);
        var warnings = new List<string>();

        ManifestDataset dataset = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig, warning: warnings.Add);

        Assert.Equal(4, dataset.Training.Count + dataset.Validation.Count);
        Assert.Contains("max_text_bytes", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoUsableItem_ThrowsWithFirstReason()
    {
        string folder = _corpus.Write(3);

        var e = Assert.Throws<TrainingDataException>(() => ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig with { MaxTextBytes = 5 }));

        Assert.Contains("No usable training items", e.Message, StringComparison.Ordinal);
        Assert.Contains("max_text_bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingMel_SkipsThatItemWithWarning()
    {
        string folder = _corpus.Write(6);
        File.Delete(Path.Combine(folder, "mels", "utt0003.npy"));
        var warnings = new List<string>();

        ManifestDataset dataset = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig, warning: warnings.Add);

        Assert.Equal(5, dataset.Training.Count + dataset.Validation.Count);
        Assert.Contains("utt0003", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadLine_ThrowsNamingTheLine()
    {
        string folder = _corpus.Write(3);
        File.AppendAllText(Path.Combine(folder, Manifest.FileName), "{not json\n");

        var e = Assert.Throws<TrainingDataException>(() => ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig));

        Assert.Contains("manifest.jsonl:4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyManifest_Throws()
    {
        string folder = _corpus.NewFolder();
        File.WriteAllText(Path.Combine(folder, Manifest.FileName), "\n");

        var e = Assert.Throws<TrainingDataException>(() => ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig));

        Assert.Contains("lists no items", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoManifest_Throws()
    {
        string folder = _corpus.NewFolder();

        var e = Assert.Throws<TrainingDataException>(() => ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig));

        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolder_Throws()
    {
        string folder = Path.Combine(_corpus.NewFolder(), "absent");

        var e = Assert.Throws<TrainingDataException>(() => ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig));

        Assert.Contains("absent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Collate_PadsTextAndMel()
    {
        string folder = _corpus.Write(4);
        ManifestDataset dataset = ManifestDataset.Load(folder, SyntheticCorpus.SmallConfig, options: new ManifestDatasetOptions { ValidationItems = 1 });

        CollatedBatch batch = CollatedBatch.Collate(dataset.Training, [0, 1, 2], SyntheticCorpus.SmallConfig, withSpeakers: false);

        Assert.Equal(3, batch.Count);
        Assert.Equal(dataset.Training.Take(3).Max(i => i.Frames), batch.MaxFrames);
        Assert.Equal(dataset.Training.Take(3).Sum(i => (long)i.Frames), batch.ValidFrames);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var tensors = batch.ToBatch(TorchSharp.torch.CPU);
        Assert.Equal([3L, 100L, batch.MaxFrames], tensors.Mel.shape);
        Assert.Null(tensors.Speakers);
    }
}
