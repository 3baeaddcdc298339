using System.Globalization;

namespace TrainYourVoice;

/// <summary>The sample's command line: <c>[--steps N] [--work DIR] [--corpus DIR] [--text TEXT] [--output FILE]</c>.</summary>
/// <param name="Steps">Training steps of the tiny model.</param>
/// <param name="WorkDirectory">The folder for the generated corpus, the preprocessed data and the training run.</param>
/// <param name="Corpus">Your own recordings (LJSpeech layout or .wav + .txt pairs) instead of the espeak-ng corpus; null generates one.</param>
/// <param name="Text">What the trained voice says.</param>
/// <param name="Output">The WAV file the trained voice writes.</param>
internal sealed record SampleArguments(int Steps, string WorkDirectory, string? Corpus, string Text, string Output)
{
    /// <summary>The default number of training steps: enough to watch the losses fall, short enough to wait for.</summary>
    public const int DefaultSteps = 100;

    /// <summary>The usage line printed for a bad command line.</summary>
    public const string Usage =
        "usage: TrainYourVoice [--steps N (default 100)] [--work DIR (default train-your-voice)] [--corpus DIR (your own recordings)] [--text TEXT] [--output FILE (default my-voice.wav)]";

    /// <summary>Reads the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The arguments, with defaults for those not given.</returns>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value.</exception>
    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new SampleArguments(DefaultSteps, "train-your-voice", null, "नमस्ते, आप कैसे हैं?", "my-voice.wav");
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{name}' needs a value.");
            }

            string value = args[++i];
            result = name switch
            {
                "--steps" => result with { Steps = ParseSteps(value) },
                "--work" => result with { WorkDirectory = value },
                "--corpus" => result with { Corpus = value },
                "--text" => result with { Text = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("--text is empty.") : value },
                "--output" => result with { Output = value },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return result;
    }

    private static int ParseSteps(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int steps) && steps > 0
            ? steps
            : throw new ArgumentException($"--steps must be a whole number above zero (got '{value}').");
}
