using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TrainYourVoice;

/// <summary>
/// Makes a small speech corpus with espeak-ng, in the LJSpeech layout the preprocessor reads:
/// <c>metadata.csv</c> (<c>id|text</c>) and <c>wavs/ID.wav</c>. Stands in for your own recordings.
/// </summary>
internal static class EspeakCorpus
{
    /// <summary>espeak-ng's Hindi voice.</summary>
    public const string Voice = "hi";

    /// <summary>Writes one recording per sentence (skipping those already there) and the transcript file.</summary>
    /// <param name="folder">The corpus folder; created when missing.</param>
    /// <param name="sentences">The sentences to read.</param>
    /// <param name="progress">Receives the number of recordings done.</param>
    /// <param name="cancellationToken">Stops between recordings.</param>
    /// <returns>A task that completes when the corpus is complete.</returns>
    /// <exception cref="InvalidOperationException">espeak-ng is not installed, or failed on a sentence.</exception>
    public static async Task CreateAsync(string folder, IReadOnlyList<string> sentences, IProgress<int> progress, CancellationToken cancellationToken)
    {
        string wavs = Path.Combine(folder, "wavs");
        Directory.CreateDirectory(wavs);
        var metadata = new StringBuilder();
        for (int i = 0; i < sentences.Count; i++)
        {
            string id = string.Create(CultureInfo.InvariantCulture, $"{i + 1:D4}");
            string wav = Path.Combine(wavs, id + ".wav");
            if (!File.Exists(wav))
            {
                await SpeakAsync(sentences[i], wav, cancellationToken).ConfigureAwait(false);
            }

            metadata.Append(id).Append('|').Append(sentences[i]).Append('\n');
            progress.Report(i + 1);
        }

        string csv = Path.Combine(folder, "metadata.csv");
        await File.WriteAllTextAsync(csv + ".part", metadata.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(csv + ".part", csv, overwrite: true);
    }

    private static async Task SpeakAsync(string text, string wav, CancellationToken cancellationToken)
    {
        string part = wav + ".part";
        var start = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-v", Voice, "-w", part, text })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "espeak-ng is not installed (Debian/Ubuntu: apt-get install espeak-ng); install it, or pass --corpus DIR with your own recordings.", e);
        }

        using (process)
        {
            string errors = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0 || !File.Exists(part))
            {
                throw new InvalidOperationException($"espeak-ng failed (exit code {process.ExitCode}) on \"{text}\": {errors.Trim()}");
            }
        }

        File.Move(part, wav, overwrite: true);
    }
}
