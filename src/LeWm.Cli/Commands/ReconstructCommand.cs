using System.CommandLine;
using LeWm.Audio.Mel;
using LeWm.Inference;

namespace LeWm.Cli.Commands;

/// <summary><c>lewm reconstruct --model DIR --input X.wav|X.npy -o OUT.npy|OUT.wav [--vocoder …]</c>: audio encoder → mel decoder.</summary>
internal static class ReconstructCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A checkpoint folder (config.json + model.safetensors).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "A WAV file (any format, rate and channels) or a log-mel .npy [100, T].", Required = true };
        var destination = new Option<FileInfo>("--output", "-o") { Description = "A .npy (float32 mel [100, T]) or .wav (vocoded audio) file.", Required = true };
        var vocoder = new Option<string>("--vocoder") { Description = "For .wav output: " + VocoderFactory.Description, DefaultValueFactory = _ => VocoderFactory.GriffinLim };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("reconstruct", "Run audio through the autoencoder (encoder mean → mel decoder): the model's reconstruction quality.")
        {
            model, input, destination, vocoder, asFloat, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            FileInfo target = parse.GetRequiredValue(destination);
            AutoencoderRun.CheckOutput(target);
            string folder = ModelFolder.Require(parse.GetRequiredValue(model));
            using ISpeechModel speechModel = SpeechModelFactory.Load(folder);
            LogMel mel = AutoencoderRun.ReadInput(parse.GetRequiredValue(input), speechModel.Info);
            LatentFrames latents = AutoencoderRun.Encode(speechModel, mel, cancellationToken);
            (string Key, object Value)[] fields = await AutoencoderRun.WriteAsync(
                speechModel, latents, target, parse.GetRequiredValue(vocoder), parse.GetValue(asFloat), cancellationToken).ConfigureAwait(false);
            AutoencoderRun.Report(output, parse.GetValue(json), "reconstructed", fields);
            return ExitCodes.Success;
        });
        return command;
    }
}
