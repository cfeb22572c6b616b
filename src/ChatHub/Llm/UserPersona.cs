namespace ChatHub.Llm;

/// <summary>Who the user is in the prompt: <c>{{user}}</c> becomes <see cref="Name"/>, and <see cref="Persona"/> is told to the model.</summary>
public sealed record UserPersona(string Name, string Persona)
{
    public static readonly UserPersona Unknown = new("User", "");
}
