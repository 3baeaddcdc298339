using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeWm.Training;

/// <summary>
/// The trainer's own state saved in <c>last/trainer_state.json</c> beside the weights: step, data position, the
/// schedule's length and the best validation loss. The optimiser and RNG states sit beside it in binary files.
/// </summary>
internal sealed record TrainingState
{
    /// <summary>The file name inside <c>last/</c>.</summary>
    public const string FileName = "trainer_state.json";

    /// <summary>The optimiser state file (TorchSharp's binary optimiser format).</summary>
    public const string OptimizerFileName = "optimizer.bin";

    /// <summary>The torch CPU generator state (raw bytes).</summary>
    public const string RngFileName = "rng_state.bin";

    /// <summary>The layout version written.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    [JsonPropertyName("format_version")]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    [JsonPropertyName("step")]
    public int Step { get; init; }

    [JsonPropertyName("total_steps")]
    public int TotalSteps { get; init; }

    [JsonPropertyName("epoch")]
    public int Epoch { get; init; }

    [JsonPropertyName("batch_in_epoch")]
    public int BatchInEpoch { get; init; }

    [JsonPropertyName("seed")]
    public long Seed { get; init; }

    [JsonPropertyName("batch_frames")]
    public int BatchFrames { get; init; }

    [JsonPropertyName("training_items")]
    public int TrainingItems { get; init; }

    [JsonPropertyName("first_loss")]
    public double? FirstLoss { get; init; }

    [JsonPropertyName("last_loss")]
    public double? LastLoss { get; init; }

    [JsonPropertyName("best_val_loss")]
    public double? BestValidationLoss { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, s_options);

    public static TrainingState Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new TrainingOutputException($"'{folder}' has no {FileName}: it is not a resumable training checkpoint.");
        }

        TrainingState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(path), s_options);
        }
        catch (JsonException e)
        {
            throw new TrainingOutputException($"'{path}' is not valid training state: {e.Message}", e);
        }

        if (state is null || state.FormatVersion is < 1 or > CurrentFormatVersion || state.Step < 0 || state.Epoch < 0 || state.BatchInEpoch < 0)
        {
            throw new TrainingOutputException($"'{path}' is not training state this version can resume.");
        }

        return state;
    }
}
