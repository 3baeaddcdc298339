namespace LeWm.Audio;

/// <summary>
/// Thrown when audio data cannot be used: an unreadable, truncated or unsupported WAV file, a zero sample rate,
/// a clip too short for one analysis window, or samples that are not finite.
/// </summary>
public sealed class AudioFormatException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public AudioFormatException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the file or value involved.</param>
    public AudioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the file or value involved.</param>
    /// <param name="innerException">The underlying cause.</param>
    public AudioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
