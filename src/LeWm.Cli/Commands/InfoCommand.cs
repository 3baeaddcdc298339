using System.CommandLine;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;

namespace LeWm.Cli.Commands;

/// <summary><c>lewm info DIR [--json]</c>: a checkpoint's configuration and parameter counts per component.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter output)
    {
        var folder = new Argument<DirectoryInfo>("model") { Description = "A checkpoint folder: config.json + model.safetensors (or pytorch_model.bin)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the checkpoint as the last line." };
        var command = new Command("info", "Load and validate a model checkpoint; print its configuration and parameter counts.") { folder, json };
        command.SetAction(parse =>
        {
            DirectoryInfo source = parse.GetRequiredValue(folder);
            (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(source.FullName);
            using (network)
            {
                IReadOnlyDictionary<string, long> counts = network.ParameterCounts();
                LeWmConfig config = info.Config;
                string preset = PresetOf(config);
                if (parse.GetValue(json))
                {
                    output.WriteLine(JsonLine.Of(
                        ("path", info.Directory),
                        ("weights", Path.GetFileName(info.WeightsPath)),
                        ("format_version", info.FormatVersion),
                        ("preset", preset),
                        ("d_model", config.DModel),
                        ("heads", config.Heads),
                        ("ff_dim", config.FfDim),
                        ("text_layers", config.TextLayers),
                        ("audio_layers", config.AudioLayers),
                        ("predictor_layers", config.PredictorLayers),
                        ("latent_size", config.LatentSize),
                        ("decoder_channels", config.DecoderChannels),
                        ("n_mels", config.NMels),
                        ("downsample", config.Downsample),
                        ("n_speakers", config.NSpeakers),
                        ("speakers", info.Speakers.Count),
                        ("text_normalizer_version", info.TextNormalizerVersion),
                        ("parameters", counts)));
                }
                else
                {
                    output.WriteLine($"{info.Directory} ({Path.GetFileName(info.WeightsPath)}, format_version {info.FormatVersion})");
                    output.WriteLine($"  preset {preset}: d_model {config.DModel}, {config.Heads} heads, ff_dim {config.FfDim}, latent {config.LatentSize}, {config.NMels} mels, downsample {config.Downsample}");
                    output.WriteLine($"  layers: text {config.TextLayers}, audio {config.AudioLayers}, predictor {config.PredictorLayers}; decoder channels {config.DecoderChannels}");
                    output.WriteLine($"  speakers: {(info.Speakers.Count == 0 ? "none named" : string.Join(", ", info.Speakers.Select(s => $"{s.Id} {s.Name}")))}; text normaliser {info.TextNormalizerVersion}");
                    output.WriteLine("  parameters:");
                    foreach ((string component, long count) in counts)
                    {
                        output.WriteLine($"    {component,-14} {count,12:N0}");
                    }
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string PresetOf(LeWmConfig config) =>
        LeWmCheckpoint.SharesWeightLayout(config, LeWmConfig.Base) ? "base"
        : LeWmCheckpoint.SharesWeightLayout(config, LeWmConfig.Tiny) ? "tiny"
        : "custom";
}
