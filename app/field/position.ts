// The phone's position with its accuracy, as a promise with a message a rep can act on. Always a
// fresh fix: a cached one may be from the previous dealer.
export interface Fix { lat: number; lng: number; accuracy: number }

export function currentPosition(timeoutMs = 20_000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) { reject(new Error('This device cannot tell its position.')); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy }),
      (err) => reject(new Error(err.code === err.PERMISSION_DENIED ? 'Allow location access to check in.' : err.code === err.TIMEOUT ? 'No position yet: step outside or try again.' : 'The position is not available right now.')),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
    );
  });
}
