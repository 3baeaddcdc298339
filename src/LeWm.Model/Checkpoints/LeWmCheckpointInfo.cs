using LeWm.Model.Config;

namespace LeWm.Model.Checkpoints;

/// <summary>What a checkpoint folder's <c>config.json</c> says besides the architecture, and where its files are.</summary>
/// <param name="Directory">The checkpoint folder, as a full path.</param>
/// <param name="WeightsPath">The weights file that was loaded (<c>model.safetensors</c> or <c>pytorch_model.bin</c>).</param>
/// <param name="FormatVersion">The checkpoint layout version of <c>config.json</c>.</param>
/// <param name="Config">The validated architecture and loss configuration.</param>
/// <param name="Speakers">The speakers, ordered by id; empty when the checkpoint names none.</param>
/// <param name="TextNormalizerVersion">The version of the text normaliser the model was trained with (<c>none</c> when there was none).</param>
public sealed record LeWmCheckpointInfo(
    string Directory,
    string WeightsPath,
    int FormatVersion,
    LeWmConfig Config,
    IReadOnlyList<SpeakerInfo> Speakers,
    string TextNormalizerVersion);
