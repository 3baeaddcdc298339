using LeWm.Audio;

namespace LeWm.Onnx;

/// <summary>
/// Thrown when ONNX Runtime cannot run where it was asked to: its native library is missing from the application,
/// or CUDA was requested without <c>Microsoft.ML.OnnxRuntime.Gpu</c>, without a GPU, or without the CUDA libraries
/// that package needs. The message names what to install.
/// </summary>
public sealed class ExecutionProviderException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public ExecutionProviderException()
    {
    }

    /// <summary>Creates an exception with a message that says what is missing.</summary>
    /// <param name="message">What is missing and what to install.</param>
    public ExecutionProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is missing and what to install.</param>
    /// <param name="innerException">The underlying cause.</param>
    public ExecutionProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
