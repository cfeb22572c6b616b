namespace ChatHub.Characters;

public static class CharactersExtensions
{
    public static WebApplicationBuilder AddCharacters(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<CharacterSeeder>();
        builder.Services.AddSingleton<CharacterCache>();
        return builder;
    }
}
