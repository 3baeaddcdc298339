using System.CommandLine;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;
using LeWm.Inference;

namespace LeWm.Cli.Commands;

/// <summary><c>lewm vocode --vocoder DIR|griffin-lim --mel IN.npy -o OUT.wav|OUT.npy</c>.</summary>
internal static class VocodeCommand
{
    public static Command Create(TextWriter output)
    {
        var vocoder = new Option<string>("--vocoder") { Description = VocoderFactory.Description, DefaultValueFactory = _ => VocoderFactory.GriffinLim };
        var mel = new Option<FileInfo>("--mel") { Description = "A log-mel .npy, float32 [bands, T] or [1, bands, T].", Required = true };
        var destination = new Option<FileInfo>("--output", "-o") { Description = "A .wav (16-bit PCM unless --float) or .npy (float32 [samples]) file.", Required = true };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line." };
        var command = new Command("vocode", "Turn a log-mel spectrogram into audio.") { vocoder, mel, destination, asFloat, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            FileInfo target = parse.GetRequiredValue(destination);
            string extension = target.Extension.ToLowerInvariant();
            if (extension is not (".wav" or ".npy"))
            {
                throw new UsageException($"The output '{target}' must be a .wav or .npy file.");
            }

            LogMel logMel = ReadMel(parse.GetRequiredValue(mel).FullName);
            using IVocoder backend = VocoderFactory.Create(parse.GetRequiredValue(vocoder));
            float[] audio = (await backend.VocodeAsync([logMel], cancellationToken).ConfigureAwait(false))[0];
            if (extension == ".npy")
            {
                NpyFile.Write(target.FullName, audio, audio.Length);
            }
            else
            {
                WavWriter.Write(target.FullName, audio, backend.SampleRate, parse.GetValue(asFloat) ? WavSampleFormat.IeeeFloat32 : WavSampleFormat.Pcm16);
            }

            double seconds = (double)audio.Length / backend.SampleRate;
            output.WriteLine(parse.GetValue(json)
                ? JsonLine.Of(("output", target.FullName), ("samples", audio.Length), ("sample_rate", backend.SampleRate), ("audio_seconds", seconds))
                : $"Wrote {target.FullName}: {seconds:0.###} s at {backend.SampleRate} Hz.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Reads a log-mel .npy of shape [bands, T] or [1, bands, T].</summary>
    public static LogMel ReadMel(string path)
    {
        NpyArray array = NpyFile.Read(path);
        int[] shape = array.Shape;
        bool valid = shape.Length == 2 || (shape.Length == 3 && shape[0] == 1);
        if (!valid || shape[^1] == 0)
        {
            throw new UsageException(
                $"'{path}' has shape ({string.Join(", ", shape)}); a mel must be [bands, T] or [1, bands, T] with T > 0.");
        }

        return new LogMel(array.Data, shape[^2], shape[^1]);
    }
}
