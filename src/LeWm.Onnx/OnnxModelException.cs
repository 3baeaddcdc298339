using LeWm.Audio;

namespace LeWm.Onnx;

/// <summary>
/// Thrown when an exported ONNX folder cannot be used: <c>config.json</c> missing or malformed, a graph missing, a
/// graph that does not match its configuration, or a graph ONNX Runtime refuses (e.g. an opset it lacks).
/// </summary>
public sealed class OnnxModelException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public OnnxModelException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the file and value.</param>
    public OnnxModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the file and value.</param>
    /// <param name="innerException">The underlying cause.</param>
    public OnnxModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
