using LeWm.Samples.WebApp;

// The LeWm.Sdk web sample: `dotnet run --project samples/WebApp`, then open http://localhost:5000.
WebApplication app = TtsWebApplication.Create(args);
await app.RunAsync().ConfigureAwait(false);
