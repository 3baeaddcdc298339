using LeWm.Audio;

namespace LeWm.Checkpoints;

/// <summary>
/// Thrown when a weights file cannot be used: it is unreadable, truncated or of an unsupported format, its pickle asks
/// to call anything a state dict does not need, or its tensors do not match the model (a missing or unexpected key, a
/// shape or dtype mismatch). The message names the file and, where there is one, the tensor's key.
/// </summary>
public sealed class CheckpointFormatException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public CheckpointFormatException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the file and the key involved.</param>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the file and the key involved.</param>
    /// <param name="innerException">The underlying cause.</param>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
