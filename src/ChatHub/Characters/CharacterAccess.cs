using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Contracts;

namespace ChatHub.Characters;

/// <summary>Who may do what with a character. A character the caller may not see is answered as missing.</summary>
public static class CharacterAccess
{
    public static bool IsOwnerOrAdmin(this ClaimsPrincipal user, Character character) =>
        character.OwnerId == user.UserId() || user.Role() == Roles.Admin;

    /// <summary>Deleted characters are seen by no one; private ones by their owner and admins.</summary>
    public static bool CanSee(this ClaimsPrincipal user, Character character) =>
        !character.IsDeleted && (character.Visibility != CharacterVisibility.Private || user.IsOwnerOrAdmin(character));

    public static bool CanEdit(this ClaimsPrincipal user, Character character) => !character.IsDeleted && user.IsOwnerOrAdmin(character);

    /// <summary>A hidden character keeps its conversations but gets no new ones.</summary>
    public static bool CanStartConversation(this ClaimsPrincipal user, Character character) => user.CanSee(character) && !character.Hidden;
}
