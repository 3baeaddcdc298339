using LeWm.Audio;

namespace LeWm.Training.Data;

/// <summary>Thrown when a training corpus cannot be used as a whole: no manifest, a malformed line, no usable items.</summary>
/// <remarks>Single unusable items are skipped with a warning instead. The <c>lewm</c> tool maps this to exit code 2.</remarks>
public sealed class TrainingDataException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public TrainingDataException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the path or line.</param>
    public TrainingDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the path or line.</param>
    /// <param name="innerException">The underlying cause.</param>
    public TrainingDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
