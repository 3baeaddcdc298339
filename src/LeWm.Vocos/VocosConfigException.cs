using LeWm.Audio;

namespace LeWm.Vocos;

/// <summary>Thrown when a Vocos folder or its <c>config.yaml</c> cannot be used: missing, malformed, or another vocoder type.</summary>
public sealed class VocosConfigException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public VocosConfigException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the file and key.</param>
    public VocosConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the file and key.</param>
    /// <param name="innerException">The underlying cause.</param>
    public VocosConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
