using LeWm.Audio;

namespace LeWm.Training.Preprocessing;

/// <summary>
/// A corpus folder that cannot be preprocessed as a whole: it holds no recordings with transcripts, or every one of
/// them had to be skipped.
/// </summary>
/// <remarks>
/// Problems with single recordings are not exceptions: they are skipped and listed in
/// <see cref="PreprocessingSummary.Skipped"/>. The <c>lewm</c> tool maps this exception to exit code 2.
/// </remarks>
public sealed class CorpusException : LeWmException
{
    /// <summary>Creates an exception with no message.</summary>
    public CorpusException()
    {
    }

    /// <summary>Creates an exception with a message that says what is wrong with the corpus.</summary>
    /// <param name="message">What is wrong, naming the folder.</param>
    public CorpusException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong, naming the folder.</param>
    /// <param name="innerException">The underlying cause.</param>
    public CorpusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
