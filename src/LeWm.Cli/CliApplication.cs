using System.CommandLine;
using System.Runtime.InteropServices;
using LeWm.Audio;
using LeWm.Cli.Commands;

namespace LeWm.Cli;

/// <summary>Builds the command tree, runs one command line and maps failures to exit codes and one-line errors.</summary>
internal static class CliApplication
{
    /// <summary>The global <c>--verbose</c> option: stack traces on errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print stack traces on errors.",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("lewm: LeWM text-to-speech tools (LeWm.Sdk).")
        {
            MelCommand.Create(output),
            VocodeCommand.Create(output),
            BenchCommand.Create(output),
            InitCommand.Create(output),
            InfoCommand.Create(output),
            TrainCommand.Create(output),
            PreprocessCommand.Create(output),
            SynthesizeCommand.Create(output),
            ReconstructCommand.Create(output),
            PredictCommand.Create(output),
            EvalCommand.Create(output),
            ExportCommand.Create(output),
        };
        root.Options.Add(Verbose);

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"lewm: error: {OneLine(parse.Errors[0].Message)}");
            return ExitCodes.BadInput;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        // SIGTERM (a service manager, `kill`, a container stopping) cancels like Ctrl+C, so long work such as training
        // saves its state and exits cleanly instead of being cut off.
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        try
        {
            var configuration = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = output,
                Error = error,
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(configuration, cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            Report(error, e, parse.GetValue(Verbose));
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("lewm: error: cancelled.");
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // The tool's last line of defence: every failure becomes one line and exit code 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Report(error, e, parse.GetValue(Verbose));
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Whether an exception means the user's input was at fault (exit code 2).</summary>
    public static bool IsBadInput(Exception e) => e is LeWmException
        or FileNotFoundException
        or DirectoryNotFoundException
        or ArgumentException
        or UsageException;

    /// <summary>Joins a multi-line message (System.CommandLine lists allowed values one per line) into one line.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Report(TextWriter error, Exception e, bool verbose)
    {
        string message = e.Message.ReplaceLineEndings(" ");
        if (e is ArgumentException { ParamName: string parameter })
        {
            // The user never sees .NET parameter names: drop ArgumentException's " (Parameter 'x')" suffix.
            string suffix = $" (Parameter '{parameter}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        error.WriteLine($"lewm: error: {message}");
        if (verbose)
        {
            error.WriteLine(e.ToString());
        }
    }
}
