using Microsoft.Extensions.Logging;

namespace LeWm.Inference;

/// <summary>What a backend factory (<c>UseSpeechModel</c>, <c>UseVocoder</c> of <see cref="TtsEngineBuilder"/>) is told when the engine is built.</summary>
/// <param name="Device">Where to run (<see cref="TtsEngineBuilder.OnCpu"/>, <see cref="TtsEngineBuilder.OnCuda"/>).</param>
/// <param name="Threads">Intra-op threads for CPU backends; null leaves the runtime's default.</param>
/// <param name="LoggerFactory">Where backends log.</param>
public sealed record TtsBackendContext(ComputeDevice Device, int? Threads, ILoggerFactory LoggerFactory);
