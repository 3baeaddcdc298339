using LeWm.Inference;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeWm.Samples.WebApp;

/// <summary>Reports the engine healthy once it is built (its voice loaded): <c>GET /healthz</c>.</summary>
/// <param name="engine">The engine; resolving it builds it.</param>
internal sealed class EngineHealthCheck(ITtsEngine engine) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy($"Voice loaded: {engine.Model.Speakers.Count} speakers, {engine.SampleRate} Hz."));
}
