namespace LeWm.Audio;

/// <summary>
/// The base of every exception LeWm.Sdk throws for bad input or bad files (as opposed to misuse of the API,
/// which throws the BCL <see cref="ArgumentException"/> family).
/// </summary>
/// <remarks>The <c>lewm</c> command-line tool maps this family to exit code 2.</remarks>
public class LeWmException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public LeWmException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the path, key or value involved.</param>
    public LeWmException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the path, key or value involved.</param>
    /// <param name="innerException">The underlying cause.</param>
    public LeWmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
