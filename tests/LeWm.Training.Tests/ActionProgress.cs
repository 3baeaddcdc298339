namespace LeWm.Training.Tests;

/// <summary>An <see cref="IProgress{T}"/> that runs its action synchronously on the reporting thread.</summary>
internal sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
