using System.Text.Json;
using LeWm.Training.Data;

namespace LeWm.Training.Preprocessing;

/// <summary>What a preprocessed corpus folder is for, as its <c>summary.json</c> records it.</summary>
public static class PreprocessedCorpus
{
    /// <summary>The <c>summary.json</c> property naming the corpus' purpose.</summary>
    public const string PurposeProperty = "purpose";

    /// <summary>The purpose of a corpus to train on (also assumed when <c>summary.json</c> says nothing).</summary>
    public const string TrainingPurpose = "training";

    /// <summary>The purpose of a held-out corpus that is only evaluated.</summary>
    public const string EvaluationPurpose = "evaluation";

    /// <summary>Tells whether <paramref name="directory"/> was preprocessed as an evaluation set.</summary>
    /// <param name="directory">A preprocessed corpus folder (holding <c>manifest.jsonl</c> and usually <c>summary.json</c>).</param>
    /// <returns>True when its <c>summary.json</c> says <c>"purpose": "evaluation"</c>; false when it says otherwise or is absent.</returns>
    /// <exception cref="TrainingDataException"><c>summary.json</c> exists but is not valid JSON.</exception>
    public static bool IsEvaluationSet(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string path = Path.Combine(directory, Preprocessor.SummaryFileName);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(PurposeProperty, out JsonElement purpose)
                && purpose.ValueKind == JsonValueKind.String
                && purpose.GetString() == EvaluationPurpose;
        }
        catch (JsonException e)
        {
            throw new TrainingDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
