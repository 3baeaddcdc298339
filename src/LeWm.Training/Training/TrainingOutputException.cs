using LeWm.Audio;

namespace LeWm.Training;

/// <summary>
/// Thrown when a training output folder cannot be used as asked: it holds another model's checkpoint, there is nothing
/// to resume, or its training state is unreadable.
/// </summary>
/// <remarks>The <c>lewm</c> tool maps this to exit code 2.</remarks>
public sealed class TrainingOutputException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public TrainingOutputException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the folder.</param>
    public TrainingOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the folder.</param>
    /// <param name="innerException">The underlying cause.</param>
    public TrainingOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
