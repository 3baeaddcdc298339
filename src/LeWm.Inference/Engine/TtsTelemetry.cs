using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LeWm.Inference;

/// <summary>
/// The engine's metrics (meter <c>LeWm.Inference</c>) and traces (activity source <c>LeWm.Inference</c>), for
/// OpenTelemetry or <c>dotnet-counters</c>.
/// </summary>
internal sealed class TtsTelemetry : IDisposable
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "LeWm.Inference";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter _meter;

    public TtsTelemetry(Func<int> queueLength)
    {
        _meter = new Meter(Name);
        Requests = _meter.CreateCounter<long>("lewm.requests", description: "Synthesis requests completed.");
        Failures = _meter.CreateCounter<long>("lewm.requests.failed", description: "Synthesis requests that failed.");
        AudioSeconds = _meter.CreateCounter<double>("lewm.audio.duration", unit: "s", description: "Seconds of audio produced.");
        RealTimeFactor = _meter.CreateHistogram<double>("lewm.realtime_factor", description: "Audio seconds per wall-clock second, per request.");
        BatchSize = _meter.CreateHistogram<int>("lewm.batch.size", description: "Sequences decoded together.");
        _meter.CreateObservableGauge("lewm.queue.length", queueLength, description: "Requests waiting for a batch.");
    }

    public Counter<long> Requests { get; }

    public Counter<long> Failures { get; }

    public Counter<double> AudioSeconds { get; }

    public Histogram<double> RealTimeFactor { get; }

    public Histogram<int> BatchSize { get; }

    public void Dispose() => _meter.Dispose();
}
