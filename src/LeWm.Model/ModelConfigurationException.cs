using LeWm.Audio;

namespace LeWm.Model;

/// <summary>Thrown when a LeWM configuration (<c>config.json</c>) is malformed or holds values the network cannot be built with.</summary>
public sealed class ModelConfigurationException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public ModelConfigurationException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming every bad field and its value.</param>
    public ModelConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the file or field.</param>
    /// <param name="innerException">The underlying cause.</param>
    public ModelConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
