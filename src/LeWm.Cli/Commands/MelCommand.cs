using System.CommandLine;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Commands;

/// <summary><c>lewm mel IN.wav -o OUT.npy</c>: the Vocos-exact log-mel of a WAV file.</summary>
internal static class MelCommand
{
    public static Command Create(TextWriter output)
    {
        var input = new Argument<FileInfo>("input") { Description = "A WAV file (any PCM/float format, rate and channel count)." };
        var destination = new Option<FileInfo>("--output", "-o") { Description = "The .npy file to write: float32 [100, T].", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("mel", "Compute the Vocos mel-24khz log-mel spectrogram of a WAV file.") { input, destination, json };
        command.SetAction(parse =>
        {
            FileInfo source = parse.GetRequiredValue(input);
            FileInfo target = parse.GetRequiredValue(destination);
            if (!target.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"The output '{target}' must be a .npy file.");
            }

            AudioClip clip = WavReader.Read(source.FullName).ResampleTo(AudioClip.ModelSampleRate);
            var mel = new MelSpectrogram();
            if (clip.Length <= mel.Options.FftSize / 2)
            {
                throw new AudioFormatException(
                    $"'{source}' is {clip.Duration.TotalMilliseconds:0.#} ms long; one analysis window needs more than {mel.Options.FftSize / 2} samples at 24 kHz ({(mel.Options.FftSize / 2) + 1} samples, {((mel.Options.FftSize / 2) + 1) / 24.0:0.##} ms).");
            }

            LogMel logMel = mel.Compute(clip);
            NpyFile.Write(target.FullName, logMel.Values, logMel.Bands, logMel.Frames);
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonLine.Of(("output", target.FullName), ("bands", logMel.Bands), ("frames", logMel.Frames), ("audio_seconds", clip.Duration.TotalSeconds)));
            }
            else
            {
                output.WriteLine($"Wrote {target.FullName}: [{logMel.Bands}, {logMel.Frames}] log-mel of {clip.Duration.TotalSeconds:0.###} s.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
