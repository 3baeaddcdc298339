namespace LeWm.Inference;

/// <summary>
/// Serialises the engine's calls into the acoustic model (and the streaming vocoder windows): one at a time, so that
/// AR steps, encoders and decoder windows of concurrent requests take turns instead of oversubscribing the CPU.
/// </summary>
/// <remarks>Use as <c>using (await gate.EnterAsync(ct).ConfigureAwait(false)) { … }</c>.</remarks>
internal sealed class ModelGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    /// <summary>Waits for the gate; disposing the result lets the next caller in.</summary>
    /// <param name="cancellationToken">Stops the wait (the gate is then not held).</param>
    /// <returns>The holder's release handle.</returns>
    public async ValueTask<Holder> EnterAsync(CancellationToken cancellationToken = default)
    {
        await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Holder(_semaphore);
    }

    /// <summary>Frees the semaphore.</summary>
    public void Dispose() => _semaphore.Dispose();

    /// <summary>Held gate; <see cref="Dispose"/> releases it.</summary>
    internal readonly struct Holder(SemaphoreSlim semaphore) : IDisposable
    {
        /// <summary>Releases the gate.</summary>
        public void Dispose() => semaphore.Release();
    }
}
