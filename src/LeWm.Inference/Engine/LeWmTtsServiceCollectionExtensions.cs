using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeWm.Inference;

/// <summary>Registers the LeWM engine with dependency injection.</summary>
public static class LeWmTtsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITtsEngine"/> (and <see cref="TtsEngine"/>) as a thread-safe singleton built on first use,
    /// its vocoder as <see cref="IVocoder"/>, and <see cref="LeWmTextToSpeechClient"/> as Microsoft.Extensions.AI's
    /// <c>ITextToSpeechClient</c>: <c>services.AddLeWmTts(tts => tts.UseModel(dir).UseVocos(dir))</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureEngine">Chooses the backends (<c>UseModel</c>, <c>UseVocos</c>, <c>UseOnnx</c>, <c>UseDefaultVoice</c>, …).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLeWmTts(this IServiceCollection services, Action<TtsEngineBuilder> configureEngine) =>
        AddLeWmTts(services, _ => { }, configureEngine);

    /// <summary>Registers the engine with options (device, threads, batching) validated when the engine is first built.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureOptions">Sets <see cref="LeWmTtsOptions"/> (also bindable from configuration).</param>
    /// <param name="configureEngine">Chooses the backends.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLeWmTts(this IServiceCollection services, Action<LeWmTtsOptions> configureOptions, Action<TtsEngineBuilder> configureEngine)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureOptions);
        ArgumentNullException.ThrowIfNull(configureEngine);
        services.AddOptions<LeWmTtsOptions>().Configure(configureOptions).Validate(
            o =>
            {
                try
                {
                    o.ParseDevice();
                    o.Engine.Validate();
                    return o.Threads is null or > 0;
                }
                catch (ArgumentException)
                {
                    return false;
                }
            },
            "LeWmTtsOptions are invalid: Device must be cpu, cuda or cuda:N, Threads positive, and the engine options in range.");
        services.TryAddSingleton(provider =>
        {
            LeWmTtsOptions options = provider.GetRequiredService<IOptions<LeWmTtsOptions>>().Value;
            TtsEngineBuilder builder = TtsEngine.CreateBuilder().WithOptions(options.Engine);
            ILoggerFactory? loggerFactory = provider.GetService<ILoggerFactory>();
            if (loggerFactory is not null)
            {
                builder.WithLogging(loggerFactory);
            }

            ComputeDevice device = options.ParseDevice();
            if (device.Kind == ComputeDeviceKind.Cuda)
            {
                builder.OnCuda(device.Index);
            }
            else
            {
                builder.OnCpu(options.Threads);
            }

            configureEngine(builder);
            return builder.Build();
        });
        services.TryAddSingleton<ITtsEngine>(provider => provider.GetRequiredService<TtsEngine>());
        services.TryAddSingleton<IVocoder>(provider => provider.GetRequiredService<TtsEngine>().Vocoder);
#pragma warning disable MEAI001 // ITextToSpeechClient is experimental in Microsoft.Extensions.AI.Abstractions.
        services.TryAddSingleton<Microsoft.Extensions.AI.ITextToSpeechClient>(
            provider => new LeWmTextToSpeechClient(provider.GetRequiredService<ITtsEngine>()));
#pragma warning restore MEAI001
        return services;
    }
}
