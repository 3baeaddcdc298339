namespace LeWm.WebApp.Tests;

/// <summary>Tests that share one running web sample (<see cref="WebAppServer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SharedWebApp : ICollectionFixture<WebAppServer>
{
    /// <summary>The group's name.</summary>
    public const string Name = "web app";
}
