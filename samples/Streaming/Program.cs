using System.Diagnostics;
using LeWm.Inference;
using Streaming;

// Streams speech into a WAV file chunk by chunk as the engine generates it, and prints when each chunk arrived.
// Plays nothing. Optional arguments: the text to speak, then the WAV file to write.
string text = args.Length > 0
    ? args[0]
    : "नमस्ते, आप कैसे हैं? आज मौसम बहुत अच्छा है, चलिए बाहर टहलने चलते हैं।";
string output = args.Length > 1 ? args[1] : "stream.wav";

await using var tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();
int sampleRate = tts.SampleRate;
Console.WriteLine($"Streaming {text.Length} characters at {sampleRate} Hz into {output}");

await using var wav = new StreamingWavFile(output, sampleRate);
var clock = Stopwatch.StartNew();
TimeSpan? firstAudio = null;
int chunks = 0;
await foreach (AudioChunk chunk in tts.StreamAsync(text))
{
    TimeSpan arrived = clock.Elapsed;
    firstAudio ??= arrived;
    chunks++;
    await wav.AppendAsync(chunk.Samples, CancellationToken.None);
    double start = (double)chunk.Offset / chunk.SampleRate;
    double end = start + ((double)chunk.Samples.Length / chunk.SampleRate);
    Console.WriteLine($"chunk {chunks,3}: audio {start,6:0.000}-{end,6:0.000} s, arrived at {arrived.TotalMilliseconds,7:0} ms{(chunk.IsLast ? " (last)" : string.Empty)}");
}

TimeSpan total = clock.Elapsed;
TimeSpan audio = wav.Written(sampleRate);
await wav.CompleteAsync(sampleRate, CancellationToken.None);
Console.WriteLine($"Time to first audio: {firstAudio?.TotalMilliseconds ?? 0:0} ms");
Console.WriteLine($"Total: {total.TotalMilliseconds:0} ms for {audio.TotalSeconds:0.00} s of audio in {chunks} chunks (real-time factor {total.TotalSeconds / Math.Max(audio.TotalSeconds, 1e-9):0.00})");
Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
