using LeWm.Inference;

// The README's quick start. Optional arguments: the text to speak, then the WAV file to write.
string text = args.Length > 0 ? args[0] : "नमस्ते, आप कैसे हैं?";
string output = args.Length > 1 ? args[1] : "hello.wav";

await using var tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();
var speech = await tts.SynthesizeAsync(text);
await speech.SaveWavAsync(output);

Console.WriteLine($"Wrote {Path.GetFullPath(output)}: {speech.Duration.TotalSeconds:0.00} s of speech at {speech.SampleRate} Hz.");
