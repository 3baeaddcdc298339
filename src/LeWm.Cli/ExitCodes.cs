namespace LeWm.Cli;

/// <summary>The process exit codes of <c>lewm</c> (cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Anything other than bad input: a bug, an I/O failure, running out of memory.</summary>
    public const int Failure = 1;

    /// <summary>Bad input or usage: an unreadable file, a wrong format, an invalid argument.</summary>
    public const int BadInput = 2;
}
