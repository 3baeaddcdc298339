using DependencyInjection;
using LeWm.Inference;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// A Generic Host app: the engine is registered with AddLeWmTts, its settings (device, threads, batching) and the
// narration (voice, speed, texts) come from appsettings.json next to the app, and any setting can be overridden on
// the command line, e.g. `dotnet run -- --Narration:Speed=1.2 --Narration:Voice=hi-f2`.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.AddOptions<NarrationOptions>().Bind(builder.Configuration.GetSection(NarrationOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<NarrationOptions>, NarrationOptionsValidator>();

// Registers ITtsEngine (a singleton built on first use) and Microsoft.Extensions.AI's ITextToSpeechClient over it.
builder.Services.AddLeWmTts(
    options => builder.Configuration.GetSection("LeWmTts").Bind(options),
    tts => tts.UseDefaultVoice());
builder.Services.AddSingleton<Narrator>();

using IHost host = builder.Build();
try
{
    await host.StartAsync(); // validates NarrationOptions (ValidateOnStart)
    IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    await host.Services.GetRequiredService<Narrator>().NarrateAsync(lifetime.ApplicationStopping);
}
catch (OptionsValidationException e)
{
    // A bad setting in appsettings.json, the environment or the command line (LeWmTts options are checked when the
    // engine is first used, Narration options when the host starts).
    Console.Error.WriteLine($"Invalid settings: {e.Message}");
    return 1;
}

await host.StopAsync();
return 0;
