namespace LeWm.Inference;

/// <summary>
/// Settings of the engine registered by <see cref="LeWmTtsServiceCollectionExtensions.AddLeWmTts(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{LeWmTtsOptions}, Action{TtsEngineBuilder})"/>,
/// bindable from configuration (section <c>LeWmTts</c>, say).
/// </summary>
public sealed class LeWmTtsOptions
{
    /// <summary>Gets or sets the device: <c>cpu</c> (default) or <c>cuda</c>/<c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Gets or sets intra-op threads for CPU backends; null leaves the runtime's default.</summary>
    public int? Threads { get; set; }

    /// <summary>Gets or sets the engine's batching, streaming and limits.</summary>
    public TtsEngineOptions Engine { get; set; } = new();

    /// <summary>Parses <see cref="Device"/>.</summary>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentException">The text is not <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</exception>
    public ComputeDevice ParseDevice()
    {
        string text = (Device ?? "cpu").Trim().ToUpperInvariant();
        if (text == "CPU")
        {
            return ComputeDevice.Cpu;
        }

        if (text == "CUDA")
        {
            return ComputeDevice.Cuda(0);
        }

        if (text.StartsWith("CUDA:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
        {
            return ComputeDevice.Cuda(index);
        }

        throw new ArgumentException($"Device must be 'cpu', 'cuda' or 'cuda:N' (got '{Device}').", nameof(Device));
    }
}
