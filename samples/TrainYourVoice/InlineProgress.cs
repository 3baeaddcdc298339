namespace TrainYourVoice;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its action at once on the reporting thread (unlike
/// <see cref="Progress{T}"/>, which posts to the thread pool in a console app and may print out of order).
/// </summary>
/// <typeparam name="T">The progress value.</typeparam>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
