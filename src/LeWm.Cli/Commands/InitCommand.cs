using System.CommandLine;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;

namespace LeWm.Cli.Commands;

/// <summary><c>lewm init --preset tiny|base -o DIR [--seed N] [--speakers A,B,…]</c>: a randomly initialised checkpoint.</summary>
internal static class InitCommand
{
    public static Command Create(TextWriter output)
    {
        var preset = new Option<string>("--preset") { Description = "The architecture: tiny (1.6 M parameters) or base (24 M).", Required = true };
        preset.AcceptOnlyFromAmong("tiny", "base");
        var destination = new Option<DirectoryInfo>("--output", "-o") { Description = "The checkpoint folder to create.", Required = true };
        var seed = new Option<long?>("--seed") { Description = "Seed the random initialisation (torch.manual_seed) for a reproducible checkpoint." };
        var speakers = new Option<string>("--speakers") { Description = "Comma-separated speaker names: a speaker table of that many rows, ids in the order given (default: a single-speaker model)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("init", "Write a randomly initialised model checkpoint (for tests and benchmarks).") { preset, destination, seed, speakers, json };
        command.SetAction(parse =>
        {
            string name = parse.GetRequiredValue(preset);
            DirectoryInfo target = parse.GetRequiredValue(destination);
            if (File.Exists(target.FullName))
            {
                throw new UsageException($"The output '{target.FullName}' is a file; expected a folder.");
            }

            if (File.Exists(Path.Combine(target.FullName, LeWmCheckpoint.ConfigFileName))
                || File.Exists(Path.Combine(target.FullName, LeWmCheckpoint.WeightsFileName)))
            {
                throw new UsageException($"The folder '{target.FullName}' already holds a checkpoint; choose a new folder.");
            }

            IReadOnlyList<SpeakerInfo> table = ParseSpeakers(parse.GetValue(speakers));
            LeWmConfig config = (name == "tiny" ? LeWmConfig.Tiny : LeWmConfig.Base) with { NSpeakers = table.Count };
            long? seedValue = parse.GetValue(seed);
            if (seedValue is long value)
            {
                torch.manual_seed(value);
            }

            using var network = new LeWmNetwork(config);
            LeWmCheckpoint.Save(target.FullName, network, config, table);
            long parameters = network.ParameterCounts()["total"];
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonLine.Of(("output", target.FullName), ("preset", name), ("parameters", parameters), ("speakers", table.Count), ("format_version", LeWmCheckpoint.CurrentFormatVersion)));
            }
            else
            {
                output.WriteLine($"Wrote {target.FullName}: {name} preset, {parameters:N0} parameters{(table.Count == 0 ? string.Empty : $", {table.Count} speakers")}{(seedValue is null ? string.Empty : $", seed {seedValue}")}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Parses <c>--speakers</c>: distinct, non-empty names separated by commas.</summary>
    /// <exception cref="UsageException">A name is empty or repeated.</exception>
    private static IReadOnlyList<SpeakerInfo> ParseSpeakers(string? text)
    {
        if (text is null)
        {
            return [];
        }

        string[] names = [.. text.Split(',').Select(n => n.Trim())];
        if (names.Any(n => n.Length == 0))
        {
            throw new UsageException($"--speakers '{text}' holds an empty name; expected names separated by commas, such as hi,hi-f2.");
        }

        string? repeated = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null)
        {
            throw new UsageException($"--speakers names '{repeated}' more than once.");
        }

        return [.. names.Select((n, i) => new SpeakerInfo(i, n))];
    }
}
