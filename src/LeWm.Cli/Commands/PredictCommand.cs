using System.CommandLine;
using System.Text;
using LeWm.Audio.Mel;
using LeWm.Inference;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm predict --model DIR --input X.wav|X.npy --text TEXT -o OUT.npy|OUT.wav [--vocoder …]</c>: teacher-forced
/// prediction (the true latents into the predictor) → mel decoder.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A checkpoint folder (config.json + model.safetensors).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "A WAV file (any format, rate and channels) or a log-mel .npy [100, T].", Required = true };
        var text = new Option<string>("--text") { Description = "What the input says." };
        var textFile = new Option<FileInfo>("--text-file") { Description = "A UTF-8 file holding what the input says (instead of --text)." };
        var speaker = new Option<int?>("--speaker") { Description = "The speaker id of a multi-speaker model." };
        var destination = new Option<FileInfo>("--output", "-o") { Description = "A .npy (float32 mel [100, T]) or .wav (vocoded audio) file.", Required = true };
        var vocoder = new Option<string>("--vocoder") { Description = "For .wav output: " + VocoderFactory.Description, DefaultValueFactory = _ => VocoderFactory.GriffinLim };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("predict", "Teacher-forced prediction: the true latents of the input into the predictor, then the mel decoder.")
        {
            model, input, text, textFile, speaker, destination, vocoder, asFloat, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            FileInfo target = parse.GetRequiredValue(destination);
            AutoencoderRun.CheckOutput(target);
            string transcript = TextNormalizer.Normalize(TextInput.Read(parse.GetValue(text), parse.GetValue(textFile)));
            if (transcript.Length == 0)
            {
                throw new UsageException("The text is empty or white space only.");
            }

            string folder = ModelFolder.Require(parse.GetRequiredValue(model));
            using ISpeechModel speechModel = SpeechModelFactory.Load(folder);
            byte[] utf8 = Encoding.UTF8.GetBytes(transcript);
            if (utf8.Length > speechModel.Info.MaxTextBytes)
            {
                throw new UsageException($"The text is {utf8.Length} UTF-8 bytes; predict takes at most {speechModel.Info.MaxTextBytes}.");
            }

            LogMel mel = AutoencoderRun.ReadInput(parse.GetRequiredValue(input), speechModel.Info);
            LatentFrames latents = AutoencoderRun.Encode(speechModel, mel, cancellationToken);
            LatentFrames predicted = speechModel.Predict(new SpeechText(utf8, parse.GetValue(speaker)), latents, cancellationToken);
            (string Key, object Value)[] fields = await AutoencoderRun.WriteAsync(
                speechModel, predicted, target, parse.GetRequiredValue(vocoder), parse.GetValue(asFloat), cancellationToken).ConfigureAwait(false);
            AutoencoderRun.Report(output, parse.GetValue(json), "predicted", fields);
            return ExitCodes.Success;
        });
        return command;
    }
}
